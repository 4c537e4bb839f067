import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildAugmentPipeline } from '../augment/augment-pipeline';
import { createBatchLoader } from '../loader/batch-loader';
import type { Batch } from '../loader/stream-batches';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import type { DatasetItem } from './dataset-item';
import { attachLandmarks, landmarkFractions, visibleRect } from './landmarks';
import { buildManifest, diffManifests } from './manifest';
import { openSplit } from './open-split';

describe('landmarks as the augmentation sees them', () => {
  it('without a face crop: fractions of the whole displayed image', () => {
    const rect = visibleRect(200, 100, null, 'fill');
    expect(rect).toEqual({ left: 0, top: 0, width: 200, height: 100 });
    expect(landmarkFractions([[50, 25], [200, 100], [0, 0]], rect)).toEqual([[0.25, 0.25], [1, 1], [0, 0]]);
  });

  it('with a face crop: (x - left) / width, (y - top) / height of the crop; points outside it are clamped', () => {
    const crop = { left: 100, top: 20, width: 50, height: 40 };
    const rect = visibleRect(200, 100, crop, 'fill');
    expect(rect).toBe(crop);
    expect(landmarkFractions([[110, 30], [125, 60], [90, 10], [170, 90]], rect)).toEqual([[0.2, 0.25], [0.5, 1], [0, 0], [1, 1]]);
  });

  it('with fit cover: only the centred square that the resize keeps', () => {
    expect(visibleRect(200, 100, null, 'cover')).toEqual({ left: 50, top: 0, width: 100, height: 100 });
    expect(visibleRect(200, 100, { left: 10, top: 0, width: 40, height: 80 }, 'cover')).toEqual({ left: 10, top: 20, width: 40, height: 40 });
    expect(landmarkFractions([[75, 50]], visibleRect(200, 100, null, 'cover'))).toEqual([[0.25, 0.5]]);
  });

  it('attaches landmarks by name and counts the images without them and the rows matching none', () => {
    const items: DatasetItem[] = ['a.png', 'b.png', 'c.png'].map((name) => ({ path: name, name, label: 0 }));
    const points: Array<[number, number]> = [[1, 2], [3, 4], [5, 6]];
    const match = attachLandmarks(items, [
      { name: 'a.png', points, line: 2 },
      { name: 'zz.png', points, line: 3 },
    ]);
    expect(match.items.map((i) => i.landmarks ?? null)).toEqual([points, null, null]);
    expect(match).toMatchObject({ withoutLandmarks: 2, unmatchedRows: 1 });
  });
});

describe('landmark files through openSplit, the manifest and the loader', () => {
  const SIZE = 32;
  const input = { size: SIZE, mean: [0, 0, 0], std: [1, 1, 1], interpolation: 'bilinear' } as const;
  // the hull the SBI spec uses, in the left third: x 0.1..0.35, y 0.2..0.8 of what the augmentation sees
  const hull = (left: number, top: number, w: number, h: number) =>
    [[0.1, 0.2], [0.35, 0.2], [0.35, 0.8], [0.1, 0.8], [0.2, 0.5]].map(([x, y]) => `${left + x * w},${top + y * h}`).join(',');
  let root: string;

  beforeAll(async () => {
    root = tempDir('dfl-landmarks-');
    mkdirSync(path.join(root, 'trainset'));
    // whole.png is used whole; face.png is 128x64 with the face box on its right half
    await writeImage(path.join(root, 'trainset', 'whole.png'), texturedImage(64, 64, 3));
    await writeImage(path.join(root, 'trainset', 'face.png'), texturedImage(128, 64, 4));
    await writeImage(path.join(root, 'trainset', 'plain.png'), texturedImage(64, 64, 5));
    await writeImage(path.join(root, 'trainset', 'fake.png'), texturedImage(64, 64, 6));
    writeFileSync(path.join(root, 'train_label.txt'), 'img_name,target\nwhole.png,0\nface.png,0\nplain.png,0\nfake.png,1\n');
    writeFileSync(path.join(root, 'boxes.csv'), 'img_name,x1,y1,x2,y2\nface.png,64,0,128,64\n');
    const header = `img_name,${[0, 1, 2, 3, 4].map((k) => `x${k},y${k}`).join(',')}`;
    writeFileSync(
      path.join(root, 'landmarks.csv'),
      `${header}\nwhole.png,${hull(0, 0, 64, 64)}\nface.png,${hull(64, 0, 64, 64)}\nfake.png,${hull(0, 0, 64, 64)}\nother.png,${hull(0, 0, 64, 64)}\n`,
    );
  });

  const open = (landmarks: string | null = 'landmarks.csv') =>
    openSplit({ root, layout: 'challenge', images: 'trainset', labels: 'train_label.txt', onlyReal: true, faceBoxes: 'boxes.csv', landmarks });

  it('openSplit attaches the points and counts the images without them and the rows naming no image', async () => {
    const split = await open();
    expect(split.items.map((i) => [i.name, i.landmarks?.length ?? 0])).toEqual([
      ['whole.png', 5],
      ['face.png', 5],
      ['plain.png', 0],
    ]);
    // fake.png, left out by only_real, is still an image of the split: only other.png names none
    expect(split.landmarks).toEqual({ file: path.join(root, 'landmarks.csv'), withLandmarks: 2, withoutLandmarks: 1, unmatchedRows: 1 });
    expect((await open(null)).landmarks).toBeNull();
  });

  it('enters the manifest hash, and reproduce is told which images changed', async () => {
    const withLm = await buildManifest((await open()).items, { quiet: true });
    const without = await buildManifest((await open(null)).items, { quiet: true });
    expect(withLm.sha256).not.toBe(without.sha256);
    expect(withLm.entries.find((e) => e.name === 'whole.png')?.landmarks).toMatch(/^[0-9a-f]{16}$/);
    expect(without.entries.every((e) => e.landmarks === undefined)).toBe(true);
    expect(diffManifests(withLm, without)).toEqual(['2 image(s) with other landmarks (data.train.landmarks): face.png, whole.png']);
  });

  const sbi = buildAugmentPipeline([{ name: 'sbi', p: 1 }]);
  const epoch = async (items: readonly DatasetItem[], seed: number, workers = 0): Promise<Batch> => {
    const loader = createBatchLoader({ items, input, augment: sbi, batchSize: 2 * items.length, seed, shuffle: false, workers });
    try {
      const batches: Batch[] = [];
      for await (const b of loader.epoch(0)) batches.push(b);
      expect(batches.length).toBe(1);
      return batches[0];
    } finally {
      await loader.close();
    }
  };
  /** Per output pixel of the named image: did its pseudo-fake change it? */
  const changedPixels = (batch: Batch, name: string): boolean[] => {
    const at = (synthetic: number) => {
      const k = batch.names.findIndex((n, i) => n === name && batch.synthetic[i] === synthetic);
      expect(k).toBeGreaterThanOrEqual(0);
      return batch.images.subarray(k * SIZE * SIZE * 3, (k + 1) * SIZE * SIZE * 3);
    };
    const real = at(0);
    const fake = at(1);
    return Array.from({ length: SIZE * SIZE }, (_, p) => [0, 1, 2].some((c) => real[p * 3 + c] !== fake[p * 3 + c]));
  };
  const columns = (changed: boolean[]) => {
    const xs = changed.flatMap((c, p) => (c ? [p % SIZE] : []));
    return { count: xs.length, maxX: Math.max(...xs) };
  };

  it.each([
    ['whole.png', 'without a face crop'],
    ['face.png', 'inside the face crop (the hull is on the left of the crop, the right of the image)'],
  ])('an SBI pseudo-fake of %s changes only pixels near its landmark hull, %s', async (name) => {
    const { items } = await open();
    const batch = await epoch(items.filter((i) => i.name === name), 11);
    const { count, maxX } = columns(changedPixels(batch, name));
    expect(count).toBeGreaterThan(SIZE * SIZE * 0.05);
    expect(maxX).toBeLessThan(SIZE * 0.625); // the SBI spec's bound for this hull
  });

  it('without landmarks the pseudo-fake uses the ellipse, which reaches the right half', async () => {
    const { items } = await open(null);
    const batch = await epoch(items.filter((i) => i.name === 'whole.png'), 11);
    expect(columns(changedPixels(batch, 'whole.png')).maxX).toBeGreaterThanOrEqual(SIZE * 0.625);
  });

  it('is deterministic under the seed, also in a worker thread (the points travel with the item)', async () => {
    const { items } = await open();
    const a = await epoch(items, 5);
    const b = await epoch(items, 5);
    const c = await epoch(items, 6);
    const there = await epoch(items, 5, 1);
    expect([...a.images]).toEqual([...b.images]);
    expect([...a.images]).not.toEqual([...c.images]);
    expect(there.names).toEqual(a.names);
    expect([...there.images]).toEqual([...a.images]);
  });
});
