import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeDirAtomic, writeFileAtomic } from './atomic-write';

describe('atomic writes', () => {
  it('replaces a file whole and leaves no temporary sibling', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dfl-aw-'));
    const target = path.join(dir, 'sub', 'x.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(path.dirname(target))).toEqual(['x.json']);
  });

  it('leaves no target folder when filling it fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dfl-aw-'));
    const target = path.join(dir, 'ckpt');
    await expect(
      writeDirAtomic(target, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
