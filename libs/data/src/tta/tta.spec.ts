import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import { combineTta } from './combine-tta';
import { createTtaLoader, ttaBatchFromImages } from './tta-loader';
import { ttaViews } from './tta-view-registry';
import { buildTtaViews } from './tta-views';

const input = { size: 20, mean: [0, 0, 0], std: [1, 1, 1], interpolation: 'bilinear' } as const;

describe('TTA views', () => {
  it('registers the built-in views', () => {
    expect(ttaViews.names()).toEqual(['five_crop', 'hflip', 'identity', 'multi_scale', 'ten_crop', 'vflip']);
  });

  it('renders every view at the input size, deterministically', async () => {
    const set = buildTtaViews([{ name: 'identity' }, { name: 'hflip' }, { name: 'vflip' }, { name: 'five_crop' }, { name: 'ten_crop', fraction: 0.8 }, { name: 'multi_scale', scales: [0.8, 1.25] }]);
    expect(set.names.length).toBe(1 + 1 + 1 + 5 + 10 + 2);
    const image = texturedImage(20, 20);
    const a = await set.render(image, 'bilinear');
    const b = await set.render(image, 'bilinear');
    expect(a.length).toBe(set.names.length);
    expect(a.every((v) => v.width === 20 && v.height === 20)).toBe(true);
    expect(a.map((v) => Buffer.from(v.data).toString('hex'))).toEqual(b.map((v) => Buffer.from(v.data).toString('hex')));
    expect(new Set(a.map((v) => Buffer.from(v.data).toString('hex'))).size).toBe(a.length);
  });

  it('reports unknown views and bad options together', () => {
    expect(() => buildTtaViews([{ name: 'sixcrop' }, { name: 'five_crop', fraction: 2 }])).toThrow(/tta\.views\[0\] \(sixcrop\).*\n.*tta\.views\[1\] \(five_crop\)\.fraction/s);
  });

  it('the TTA loader yields one batch per view over the same images', async () => {
    const dir = tempDir('dfl-tta-');
    const items = await Promise.all([0, 1, 2].map(async (i) => ({ path: await writeImage(path.join(dir, `${i}.png`), texturedImage(30, 30, i)), name: `${i}.png`, label: null })));
    const loader = createTtaLoader({ items, input, views: buildTtaViews([{ name: 'identity' }, { name: 'hflip' }]), batchSize: 2 });
    const out = [];
    for await (const views of loader.batches()) out.push(views);
    expect(out.map((v) => v.length)).toEqual([2, 2]);
    expect(out.map((v) => v[0].names)).toEqual([['0.png', '1.png'], ['2.png']]);
    expect([...out[0][0].labels]).toEqual([-1, -1]);
    // hflip view of pixel (0,0) is the identity's pixel (19,0)
    const id = out[0][0].images;
    const fl = out[0][1].images;
    expect(fl[0]).toBeCloseTo(id[19 * 3]);

    // an upload (bytes) gets exactly the pixels the loader gives the file
    const views = buildTtaViews([{ name: 'identity' }, { name: 'hflip' }]);
    const upload = await ttaBatchFromImages([{ name: 'up.png', source: readFileSync(items[1].path) }], input, views);
    expect(upload.map((b) => b.shape)).toEqual([[1, 20, 20, 3], [1, 20, 20, 3]]);
    expect([...upload[1].images]).toEqual([...out[0][1].images.subarray(20 * 20 * 3)]);
    await expect(ttaBatchFromImages([{ name: 'bad.jpg', source: Buffer.from('nope') }], input, views)).rejects.toThrow(/cannot load image bad\.jpg/);
  });

  it('refills released view arrays in later batches and passes, with the same floats', async () => {
    const dir = tempDir('dfl-tta-reuse-');
    const items = await Promise.all([0, 1, 2, 3, 4].map(async (i) => ({ path: await writeImage(path.join(dir, `${i}.jpg`), texturedImage(20, 20, 9 + i)), name: `${i}.jpg`, label: null })));
    const views = buildTtaViews([{ name: 'identity' }, { name: 'vflip' }]);
    const reference = [];
    for await (const batch of createTtaLoader({ items, input, views, batchSize: 2 }).batches()) reference.push(batch.map((b) => [...b.images]));
    const loader = createTtaLoader({ items, input, views, batchSize: 2 });
    const arrays = [new Set<ArrayBufferLike>(), new Set<ArrayBufferLike>()]; // of the full batches, per pass
    for (const pass of [0, 1]) {
      const seen = [];
      for await (const batch of loader.batches()) {
        seen.push(batch.map((b) => [...b.images]));
        for (const view of batch) {
          if (view.size === 2) arrays[pass].add(view.images.buffer);
          view.release?.();
        }
      }
      expect(seen).toEqual(reference);
    }
    // 2 full batches x 2 views per pass: 4 arrays without reuse; the second pass takes the first pass's arrays
    expect(arrays[0].size).toBeLessThan(4);
    expect([...arrays[1]].every((a) => arrays[0].has(a))).toBe(true);
  });
});

describe('combineTta', () => {
  it('means probabilities or logits (2-class softmax and 1-logit heads)', () => {
    // two views, two images, [real, fake] logits
    const v1 = new Float32Array([0, 2, 0, 0]);
    const v2 = new Float32Array([0, -2, 0, 4]);
    const prob = combineTta([v1, v2], 'mean_prob', 2);
    expect(prob[0]).toBeCloseTo(0.5);
    expect(prob[1]).toBeCloseTo((0.5 + 1 / (1 + Math.exp(-4))) / 2);
    const logit = combineTta([v1, v2], 'mean_logit', 2);
    expect(logit[0]).toBeCloseTo(0.5);
    expect(logit[1]).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(combineTta([[3], [-1]], 'mean_logit', 1)[0]).toBeCloseTo(1 / (1 + Math.exp(-1)));
    expect(combineTta([[1000], [1000]], 'mean_prob', 1)[0]).toBe(1);
  });

  it('refuses views of different lengths', () => {
    expect(() => combineTta([[1, 2], [1]], 'mean_prob', 1)).toThrow(/view 1 has 1 logits, view 0 has 2/);
  });
});
