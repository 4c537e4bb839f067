import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildAugmentPipeline } from '../augment/augment-pipeline';
import type { DatasetItem } from '../dataset/dataset-item';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import { createBatchLoader, type BatchLoaderOptions } from './batch-loader';
import type { Batch } from './stream-batches';

const input = { size: 16, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], interpolation: 'bilinear' } as const;

async function makeItems(n: number): Promise<DatasetItem[]> {
  const dir = tempDir('dfl-loader-');
  const items: DatasetItem[] = [];
  for (let i = 0; i < n; i++) {
    const name = `img${i}.png`;
    items.push({ path: await writeImage(path.join(dir, name), texturedImage(24, 20, i)), name, label: (i % 3 === 0 ? 1 : 0) as 0 | 1 });
  }
  return items;
}

async function collect(options: BatchLoaderOptions, epoch = 0): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of createBatchLoader(options).epoch(epoch)) out.push(b);
  return out;
}

const names = (batches: Batch[]) => batches.flatMap((b) => b.names);

describe('createBatchLoader', () => {
  let items: DatasetItem[];
  beforeAll(async () => {
    items = await makeItems(10);
  });

  it('yields NHWC float batches with the last one partial, in item order without shuffling', async () => {
    const batches = await collect({ items, input, batchSize: 4, seed: 1 });
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[0].shape).toEqual([4, 16, 16, 3]);
    expect(batches[0].images.length).toBe(4 * 16 * 16 * 3);
    expect(names(batches)).toEqual(items.map((i) => i.name));
    expect([...batches[0].labels]).toEqual([1, 0, 0, 1]);
    // normalised with the given mean/std: (v/255 - 0.5) / 0.25 lies in [-2, 2]
    expect(Math.min(...batches[0].images)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...batches[0].images)).toBeLessThanOrEqual(2);
    const dropped = await collect({ items, input, batchSize: 4, seed: 1, dropLast: true });
    expect(dropped.map((b) => b.size)).toEqual([4, 4]);
  });

  it('shuffles per epoch, repeatably under the seed, whatever the concurrency', async () => {
    const augment = buildAugmentPipeline([{ name: 'hflip', p: 0.5 }, { name: 'gaussian_noise', p: 0.5 }]);
    const a = await collect({ items, input, augment, batchSize: 3, seed: 7, concurrency: 1 }, 0);
    const b = await collect({ items, input, augment, batchSize: 3, seed: 7, concurrency: 4, prefetchBatches: 3 }, 0);
    const c = await collect({ items, input, augment, batchSize: 3, seed: 7 }, 1);
    const d = await collect({ items, input, augment, batchSize: 3, seed: 8 }, 0);
    expect(names(a)).toEqual(names(b));
    expect(a.map((x) => [...x.images])).toEqual(b.map((x) => [...x.images]));
    expect(names(a)).not.toEqual(names(c));
    expect(names(a)).not.toEqual(names(d));
    expect([...names(a)].sort()).toEqual(items.map((i) => i.name).sort());
  });

  it('gives the same batches with worker threads, whatever their number (seed per sample, not per worker)', async () => {
    const augment = buildAugmentPipeline([{ name: 'sbi', p: 0.5 }, { name: 'hflip', p: 0.5 }, { name: 'gaussian_noise', p: 0.5 }, { name: 'vflip', p: 0.5 }]);
    const here = await collect({ items, input, augment, batchSize: 3, seed: 5, workers: 0 }, 1);
    for (const workers of [1, 2]) {
      const loader = createBatchLoader({ items, input, augment, batchSize: 3, seed: 5, workers });
      try {
        const there: Batch[] = [];
        for await (const b of loader.epoch(1)) there.push(b);
        expect(names(there)).toEqual(names(here));
        expect(there.map((b) => [...b.synthetic])).toEqual(here.map((b) => [...b.synthetic]));
        expect(there.map((b) => [...b.images])).toEqual(here.map((b) => [...b.images]));
      } finally {
        await loader.close();
      }
    }
  });

  it('gives the same batches of JPEGs (the native fast path) with and without workers', async () => {
    const dir = tempDir('dfl-loader-jpeg-');
    const jpegs: DatasetItem[] = [];
    for (let i = 0; i < 6; i++) {
      const name = `j${i}.jpg`;
      jpegs.push({ path: await writeImage(path.join(dir, name), texturedImage(16, 16, 50 + i)), name, label: 0 });
    }
    const augment = buildAugmentPipeline([{ name: 'hflip', p: 0.5 }, { name: 'vflip', p: 0.5 }]);
    const here = await collect({ items: jpegs, input, augment, batchSize: 4, seed: 9, workers: 0 });
    const loader = createBatchLoader({ items: jpegs, input, augment, batchSize: 4, seed: 9, workers: 1 });
    try {
      const there: Batch[] = [];
      for await (const b of loader.epoch(0)) there.push(b);
      expect(names(there)).toEqual(names(here));
      expect(there.map((b) => [...b.images])).toEqual(here.map((b) => [...b.images]));
    } finally {
      await loader.close();
    }
  });

  it.each([0, 1])('reuses the arrays of released batches across epochs, with the floats of a loader that never reuses (%d workers)', async (workers) => {
    const dir = tempDir('dfl-loader-reuse-');
    const files: DatasetItem[] = [];
    for (let i = 0; i < 9; i++) {
      const name = `r${i}.jpg`;
      files.push({ path: await writeImage(path.join(dir, name), texturedImage(16, 16, 70 + i)), name, label: (i % 2) as 0 | 1 });
    }
    writeFileSync(path.join(dir, 'bad.jpg'), 'not a jpeg'); // skipped: later samples move a slot back
    files.splice(4, 0, { path: path.join(dir, 'bad.jpg'), name: 'bad.jpg', label: 0 });
    const augment = buildAugmentPipeline([{ name: 'hflip', p: 0.5 }, { name: 'vflip', p: 0.5 }]);
    const options = { items: files, input, augment, batchSize: 4, seed: 4, workers, onBadImage: 'skip' } as const;
    const reusing = createBatchLoader(options);
    const plain = createBatchLoader(options); // the same epochs (a skipped file stays out of later ones), no reuse
    const buffers = new Set<ArrayBufferLike>();
    const released: Float32Array[] = [];
    for (const epoch of [0, 1, 2]) {
      const reference: Batch[] = [];
      for await (const b of plain.epoch(epoch)) reference.push(b);
      const seen: Array<{ names: readonly string[]; floats: number[] }> = [];
      for await (const b of reusing.epoch(epoch)) {
        seen.push({ names: b.names, floats: [...b.images] });
        buffers.add(b.images.buffer);
        released.push(b.images);
        b.release?.();
        b.release?.(); // a second call is ignored: it must not hand back an array a later batch holds
      }
      expect(seen.map((b) => b.names)).toEqual(reference.map((b) => b.names));
      expect(seen.map((b) => b.floats)).toEqual(reference.map((b) => [...b.images]));
      expect(seen.map((b) => b.names.length)).toEqual([4, 4, 1]); // the short last batch is a view of a whole array
    }
    // 9 batches in all; without reuse each would have its own array. A worker gets a released array by transfer
    // (it arrives as a new ArrayBuffer object, so there it shows as the released array being detached here).
    if (workers === 0) expect(buffers.size).toBeLessThan(9);
    else expect(released.filter((a) => a.length === 0).length).toBeGreaterThan(0);
    // batches held at the same time never share an array, even after double releases
    const held: Batch[] = [];
    for await (const b of reusing.epoch(3)) held.push(b);
    expect(new Set(held.map((b) => b.images.buffer)).size).toBe(held.length);
    await Promise.all([reusing.close(), plain.close()]);
  });

  it('a worker epoch stopped early leaves no sample writing into the next epoch', async () => {
    const augment = buildAugmentPipeline([{ name: 'hflip', p: 0.5 }]);
    const loader = createBatchLoader({ items, input, augment, batchSize: 2, seed: 3, workers: 2, concurrency: 8 });
    try {
      for await (const _ of loader.epoch(0)) break; // the rest of the window is still in the workers
      const there: Batch[] = [];
      for await (const b of loader.epoch(1)) there.push(b);
      const here = await collect({ items, input, augment, batchSize: 2, seed: 3, workers: 0 }, 1);
      expect(there.map((b) => [...b.images])).toEqual(here.map((b) => [...b.images]));
    } finally {
      await loader.close();
    }
  });

  it('adds SBI pseudo-fakes of the real images, labelled 1', async () => {
    const augment = buildAugmentPipeline([{ name: 'sbi', p: 1 }]);
    const real = items.filter((i) => i.label === 0);
    const batches = await collect({ items: real, input, augment, batchSize: 4, seed: 2 });
    const all = batches.flatMap((b) => b.names.map((n, i) => ({ n, label: b.labels[i], synthetic: b.synthetic[i] })));
    expect(all.length).toBe(real.length * 2);
    expect(all.filter((s) => s.synthetic === 1).every((s) => s.label === 1)).toBe(true);
    expect(all.filter((s) => s.synthetic === 0).every((s) => s.label === 0)).toBe(true);
    expect(new Set(all.filter((s) => s.synthetic === 1).map((s) => s.n))).toEqual(new Set(real.map((r) => r.name)));
    expect(createBatchLoader({ items: real, input, augment: buildAugmentPipeline([{ name: 'sbi', p: 0.5 }]), batchSize: 4, seed: 2 }).plannedSamples(0)).toBeLessThan(real.length * 2);
  });

  describe('bad images', () => {
    let bad: DatasetItem[];
    beforeAll(() => {
      const dir = tempDir('dfl-bad-');
      const corrupt = path.join(dir, 'corrupt.jpg');
      writeFileSync(corrupt, 'not a jpeg');
      bad = [...items.slice(0, 3), { path: corrupt, name: 'corrupt.jpg', label: 0 }, ...items.slice(3, 5), { path: path.join(dir, 'gone.png'), name: 'gone.png', label: 1 }];
    });

    it('policy error: stops naming the file', async () => {
      await expect(collect({ items: bad, input, batchSize: 2, seed: 1 })).rejects.toThrow(/cannot load image .*corrupt\.jpg: not a readable/);
    });

    it('applies the policy to images decoded in worker threads too', async () => {
      const strict = createBatchLoader({ items: bad, input, batchSize: 2, seed: 1, workers: 1 });
      const lenient = createBatchLoader({ items: bad, input, batchSize: 2, seed: 1, workers: 1, onBadImage: 'skip' });
      try {
        await expect((async () => {
          for await (const _ of strict.epoch(0));
        })()).rejects.toThrow(/cannot load image .*corrupt\.jpg: not a readable/);
        // the samples after a bad image move back a slot (across batches too): the same batches as in-thread
        const there: Batch[] = [];
        for await (const b of lenient.epoch(0)) there.push(b);
        const here = await collect({ items: bad, input, batchSize: 2, seed: 1, onBadImage: 'skip', workers: 0 });
        expect(there.map((b) => b.size)).toEqual([2, 2, 1]);
        expect(names(there)).toEqual(names(here));
        expect(there.map((b) => [...b.images])).toEqual(here.map((b) => [...b.images]));
        expect(lenient.skipped().map((s) => [s.name, s.reason])).toEqual([
          ['corrupt.jpg', expect.stringMatching(/not a readable/)],
          ['gone.png', 'file not found'],
        ]);
      } finally {
        await Promise.all([strict.close(), lenient.close()]);
      }
    });

    it('policy skip: leaves them out, keeps batches full, lists them once', async () => {
      const loader = createBatchLoader({ items: bad, input, batchSize: 2, seed: 1, onBadImage: 'skip' });
      for (const epoch of [0, 1]) {
        const batches: Batch[] = [];
        for await (const b of loader.epoch(epoch)) batches.push(b);
        expect(batches.map((b) => b.size)).toEqual([2, 2, 1]);
      }
      expect(loader.skipped().map((s) => [s.name, s.reason])).toEqual([
        ['corrupt.jpg', expect.stringMatching(/not a readable/)],
        ['gone.png', 'file not found'],
      ]);
    });
  });
});
