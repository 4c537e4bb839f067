import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openSplit } from '../dataset/open-split';
import { decodeImage } from '../image/decode';
import { tempDir } from '../testing/test-images';
import { generateDemoDataset } from './demo-dataset';

describe('generateDemoDataset', () => {
  it('writes the challenge layout with balanced labels and a held-out test label file, same bytes for the same seed', async () => {
    const base = tempDir('dfl-demo-');
    const a = path.join(base, 'a');
    const summary = await generateDemoDataset({ dir: a, n: 8, size: 32, seed: 5, quiet: true });
    expect(summary.splits.map((s) => [s.split, s.count, s.fakes])).toEqual([['train', 8, 4], ['val', 8, 4], ['test', 8, 4]]);
    expect(readdirSync(a).sort()).toEqual(['README.txt', 'test_label.txt', 'testset', 'train_label.txt', 'trainset', 'val_label.txt', 'valset']);
    const train = await openSplit({ root: a, layout: 'challenge', images: 'trainset', labels: 'train_label.txt' });
    expect(train.items.length).toBe(8);
    const img = await decodeImage(train.items[0].path);
    expect([img.width, img.height]).toEqual([32, 32]);
    const test = await openSplit({ root: a, layout: 'challenge', images: 'testset', labels: 'test_label.txt' });
    expect(test.items.filter((i) => i.label === 1).length).toBe(4);

    const b = path.join(base, 'b');
    await generateDemoDataset({ dir: b, n: 8, size: 32, seed: 5, quiet: true });
    const c = path.join(base, 'c');
    await generateDemoDataset({ dir: c, n: 8, size: 32, seed: 6, quiet: true });
    const bytes = (root: string, name: string) => readFileSync(path.join(root, 'trainset', name));
    for (const item of train.items) expect(bytes(b, item.name).equals(bytes(a, item.name))).toBe(true);
    expect(readFileSync(path.join(b, 'train_label.txt'), 'utf8')).toBe(readFileSync(path.join(a, 'train_label.txt'), 'utf8'));
    expect(train.items.some((item) => !bytes(c, item.name).equals(bytes(a, item.name)))).toBe(true);
  }, 30_000);

  it('refuses a non-empty folder and bad sizes', async () => {
    const dir = tempDir('dfl-demo-');
    mkdirSync(path.join(dir, 'x'));
    writeFileSync(path.join(dir, 'x', 'keep.txt'), 'mine');
    await expect(generateDemoDataset({ dir: path.join(dir, 'x'), n: 8, quiet: true })).rejects.toThrow(/exists and is not empty/);
    await expect(generateDemoDataset({ dir: path.join(dir, 'y'), n: 8, size: 8, quiet: true })).rejects.toThrow(/--size must be/);
    expect(readFileSync(path.join(dir, 'x', 'keep.txt'), 'utf8')).toBe('mine');
  });
});
