import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { declaresSweep } from './declares-sweep';

describe('declaresSweep', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dfl-sweep-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('tells a file with a sweep: block from one without', () => {
    expect(declaresSweep(file('s.yaml', 'model: { backbone: tiny_cnn }\nsweep:\n  parameters: { train.optimizer.lr: [0.1, 0.01] }\n'))).toBe(true);
    expect(declaresSweep(file('p.yaml', 'model: { backbone: tiny_cnn }\n'))).toBe(false);
  });

  it('leaves broken files to resolution, which reports them with their lines', () => {
    expect(declaresSweep(file('b.yaml', 'model: [unclosed\n'))).toBe(false);
    expect(declaresSweep(path.join(dir, 'missing.yaml'))).toBe(false);
  });
});
