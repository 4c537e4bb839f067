import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveUnderRoot } from './resolve-under-root';

let base: string;
let root: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'dfl-root-')));
  root = path.join(base, 'served');
  mkdirSync(path.join(root, 'testset'), { recursive: true });
  writeFileSync(path.join(root, 'testset', 'a.jpg'), 'x');
  writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link.jpg'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveUnderRoot', () => {
  it('takes relative paths from the root and absolute paths inside it', async () => {
    await expect(resolveUnderRoot(root, 'testset/a.jpg')).resolves.toEqual({ ok: true, path: path.join(root, 'testset', 'a.jpg') });
    await expect(resolveUnderRoot(root, path.join(root, 'testset', 'a.jpg'))).resolves.toEqual({ ok: true, path: path.join(root, 'testset', 'a.jpg') });
  });

  it('refuses .. segments, even ones that would stay inside, and absolute paths outside the root', async () => {
    await expect(resolveUnderRoot(root, '../secret.txt')).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(resolveUnderRoot(root, 'testset/../testset/a.jpg')).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(resolveUnderRoot(root, '..\\secret.txt')).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(resolveUnderRoot(root, path.join(base, 'secret.txt'))).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(resolveUnderRoot(root, root)).resolves.toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a symbolic link that leads outside the root', async () => {
    await expect(resolveUnderRoot(root, 'link.jpg')).resolves.toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('symbolic link') });
  });

  it('answers 404 for a missing file and 400 for a folder or a malformed path', async () => {
    await expect(resolveUnderRoot(root, 'testset/missing.jpg')).resolves.toMatchObject({ ok: false, status: 404, reason: 'no such file: testset/missing.jpg' });
    await expect(resolveUnderRoot(root, 'testset')).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(resolveUnderRoot(root, 42)).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(resolveUnderRoot(root, '')).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(resolveUnderRoot(root, 'a\0.jpg')).resolves.toMatchObject({ ok: false, status: 400 });
  });
});
