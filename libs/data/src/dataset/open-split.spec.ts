import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import { buildManifest, diffManifests } from './manifest';
import { openSplit } from './open-split';

describe('openSplit', () => {
  it('challenge layout: labelled train split and unlabelled test folder', async () => {
    const root = tempDir('dfl-challenge-');
    mkdirSync(path.join(root, 'trainset'));
    mkdirSync(path.join(root, 'testset'));
    await writeImage(path.join(root, 'trainset', 'a.jpg'), texturedImage(8, 8));
    await writeImage(path.join(root, 'testset', 'z.png'), texturedImage(8, 8));
    await writeImage(path.join(root, 'testset', 'y.jpg'), texturedImage(8, 8));
    writeFileSync(path.join(root, 'testset', 'notes.txt'), 'not an image');
    writeFileSync(path.join(root, 'train_label.txt'), 'img_name,target\na.jpg,1\nb.jpg,0\n');
    const train = await openSplit({ root, layout: 'challenge', images: 'trainset', labels: 'train_label.txt' });
    expect(train.items).toEqual([
      { path: path.join(root, 'trainset', 'a.jpg'), name: 'a.jpg', label: 1 },
      { path: path.join(root, 'trainset', 'b.jpg'), name: 'b.jpg', label: 0 },
    ]);
    const realOnly = await openSplit({ root, layout: 'challenge', images: 'trainset', labels: 'train_label.txt', onlyReal: true });
    expect(realOnly.items.map((i) => i.name)).toEqual(['b.jpg']);
    const test = await openSplit({ root, layout: 'challenge', images: 'testset' });
    expect(test.items.map((i) => [i.name, i.label])).toEqual([['y.jpg', null], ['z.png', null]]);
  });

  it('csv layout: a folder and a label file anywhere; a label file is required', async () => {
    const root = tempDir('dfl-csv-');
    mkdirSync(path.join(root, 'imgs'));
    writeFileSync(path.join(root, 'labels.csv'), 'img_name,target\nx.png,0\n');
    const split = await openSplit({ root, layout: 'csv', images: 'imgs', labels: 'labels.csv' });
    expect(split.items).toEqual([{ path: path.join(root, 'imgs', 'x.png'), name: 'x.png', label: 0 }]);
    await expect(openSplit({ root, layout: 'csv', images: 'imgs' })).rejects.toThrow(/layout csv needs a label file/);
    await expect(openSplit({ root, layout: 'csv', images: 'nope', labels: 'labels.csv' })).rejects.toThrow(/image folder .* not found: .*nope/);
  });

  it('real_fake layout: labels from real/ and fake/ (nested folders too)', async () => {
    const root = tempDir('dfl-rf-');
    mkdirSync(path.join(root, 'train', 'real', 'id1'), { recursive: true });
    mkdirSync(path.join(root, 'train', 'fake'), { recursive: true });
    await writeImage(path.join(root, 'train', 'real', 'id1', 'f0.jpg'), texturedImage(8, 8));
    await writeImage(path.join(root, 'train', 'real', 'r.png'), texturedImage(8, 8));
    await writeImage(path.join(root, 'train', 'fake', 'f.webp'), texturedImage(8, 8));
    const split = await openSplit({ root, layout: 'real_fake', images: 'train' });
    expect(split.items.map((i) => [i.name, i.label])).toEqual([['real/id1/f0.jpg', 0], ['real/r.png', 0], ['fake/f.webp', 1]]);
    await expect(openSplit({ root, layout: 'real_fake', images: '.' })).rejects.toThrow(/neither a real\/ nor a fake\//);
  });
});

describe('buildManifest', () => {
  it('hashes the list; the content hash changes with the bytes; order does not matter', async () => {
    const dir = tempDir('dfl-manifest-');
    const a = await writeImage(path.join(dir, 'a.png'), texturedImage(8, 8, 1));
    const b = await writeImage(path.join(dir, 'b.png'), texturedImage(8, 8, 2));
    const items = [
      { path: a, name: 'a.png', label: 0 as const },
      { path: b, name: 'b.png', label: 1 as const },
      { path: path.join(dir, 'gone.png'), name: 'gone.png', label: null },
    ];
    const m1 = await buildManifest(items, { hashContent: true });
    expect(m1).toMatchObject({ count: 3, reals: 1, fakes: 1, unlabelled: 1, missing: 1 });
    expect(m1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await buildManifest([...items].reverse(), { hashContent: true })).sha256).toBe(m1.sha256);
    const quick = await buildManifest(items);
    expect(quick.contentSha256).toBeNull();
    expect(quick.sha256).toBe(m1.sha256);

    // same size, different bytes: only the content hash sees it
    writeFileSync(b, Buffer.alloc(statSync(b).size, 7));
    const m2 = await buildManifest(items, { hashContent: true });
    expect(m2.sha256).toBe(m1.sha256);
    expect(m2.contentSha256).not.toBe(m1.contentSha256);
    expect(diffManifests(m1, m2)).toEqual(['image bytes changed (same names, sizes and labels)']);

    const relabelled = await buildManifest([items[0], { ...items[1], label: 0 as const }]);
    expect(relabelled.sha256).not.toBe(m1.sha256);
    expect(diffManifests(quick, relabelled)).toEqual(['1 image(s) removed: gone.png', '1 label(s) changed: b.png']);
    expect(diffManifests(quick, quick)).toEqual([]);
  });
});
