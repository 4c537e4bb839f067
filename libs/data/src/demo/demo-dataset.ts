import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SeededRandom, UserError, deriveSeed, writeDirAtomic } from '@dfl/core';
import sharp from 'sharp';
import { blurFloatMap } from '../image/pixel-ops';
import { createProgress, type ProgressOptions } from '../progress/progress';
import { addGrain, randomGeometry, randomIdentity, randomScene, renderFace, type FaceGeometry } from './face-renderer';

export interface DemoDatasetOptions extends ProgressOptions {
  /** Output folder: must not exist or be empty. */
  readonly dir: string;
  /** Training images; validation and test get a quarter of that each (at least 8). */
  readonly n?: number;
  /** Image side in pixels. */
  readonly size?: number;
  readonly seed?: number;
}

export interface DemoDatasetSummary {
  readonly dir: string;
  readonly splits: ReadonlyArray<{ readonly split: string; readonly folder: string; readonly labels: string; readonly count: number; readonly fakes: number }>;
}

export const DEMO_DEFAULTS = { n: 600, size: 64, seed: 1 } as const;

const README = `Deepfake Lab demo dataset (synthetic, made by \`dfl demo-data\`; nothing was downloaded).

Layout (the challenge's):
  trainset/  valset/  testset/     JPEG images
  train_label.txt  val_label.txt  CSV img_name,target (1 = deepfake, 0 = real)
  test_label.txt                   held-out labels of testset/. The challenge ships testset/ unlabelled; this file
                                   exists only so end-to-end tests (e.g. promote) can score the test predictions.

Real images are synthetic faces with camera grain. Fakes are face swaps: the inner face of another identity
(shifted colour, different light, slightly misaligned) is shrunk and enlarged again (resampling: the grain is lost)
and blended into the target through a soft elliptical mask (blending boundary). Both classes are JPEG-compressed
at the same qualities, so compression is no tell. The same seed gives the same bytes.
`;

/** Writes the demo dataset (atomically: the folder appears complete or not at all). */
export async function generateDemoDataset(options: DemoDatasetOptions): Promise<DemoDatasetSummary> {
  const n = options.n ?? DEMO_DEFAULTS.n;
  const size = options.size ?? DEMO_DEFAULTS.size;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  if (!Number.isInteger(n) || n < 8) throw new UserError(`--n must be an integer >= 8, got ${n}`);
  if (!Number.isInteger(size) || size < 32 || size > 1024) throw new UserError(`--size must be an integer in [32, 1024], got ${size}`);
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a non-negative integer, got ${seed}`);
  const dir = path.resolve(options.dir);
  const existing = await fs.readdir(dir).catch(() => null);
  if (existing && existing.length > 0) throw new UserError(`${dir} exists and is not empty; choose a new folder`);
  if (existing) await fs.rmdir(dir);

  const held = Math.max(8, Math.round(n / 4));
  const plan = [
    { split: 'train', folder: 'trainset', labels: 'train_label.txt', count: n },
    { split: 'val', folder: 'valset', labels: 'val_label.txt', count: held },
    { split: 'test', folder: 'testset', labels: 'test_label.txt', count: held },
  ];
  const progress = createProgress('demo data', n + 2 * held, options);
  const summary: DemoDatasetSummary['splits'][number][] = [];
  try {
    await writeDirAtomic(dir, async (tmp) => {
      for (const split of plan) {
        await fs.mkdir(path.join(tmp, split.folder));
        // exactly half fakes (rounded down), in a seeded order
        const labels = new SeededRandom(deriveSeed(seed, split.split, 'labels')).shuffle(Array.from({ length: split.count }, (_, i) => (i < split.count / 2 ? 0 : 1)));
        const rows = ['img_name,target'];
        for (let i = 0; i < split.count; i++) {
          const name = `${split.split}_${String(i).padStart(5, '0')}.jpg`;
          const rng = new SeededRandom(deriveSeed(seed, split.split, i));
          await fs.writeFile(path.join(tmp, split.folder, name), await demoImage(size, labels[i] === 1, rng));
          rows.push(`${name},${labels[i]}`);
          progress.tick();
        }
        await fs.writeFile(path.join(tmp, split.labels), `${rows.join('\n')}\n`);
        summary.push({ ...split, fakes: labels.filter((l) => l === 1).length });
      }
      await fs.writeFile(path.join(tmp, 'README.txt'), README);
    });
  } finally {
    progress.stop();
  }
  return { dir, splits: summary };
}

/** One JPEG: a real face, or a face swap with blending, colour and resampling artefacts. */
export async function demoImage(size: number, fake: boolean, rng: SeededRandom): Promise<Buffer> {
  const geometry = randomGeometry(rng);
  const scene = randomScene(rng);
  const grain = rng.uniform(7, 11);
  const quality = 85 + rng.int(11);
  let pixels = addGrain(renderFace(size, randomIdentity(rng), geometry, scene), grain, rng);
  if (fake) pixels = await swapFace(pixels, size, geometry, grain, rng);
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality }).toBuffer();
}

async function swapFace(target: Uint8Array, size: number, g: FaceGeometry, grain: number, rng: SeededRandom): Promise<Uint8Array> {
  // the donor face, aligned to the target's geometry but not perfectly, under its own light
  const aligned: FaceGeometry = {
    cx: g.cx + rng.uniform(-0.015, 0.015),
    cy: g.cy + rng.uniform(-0.015, 0.015),
    rx: g.rx * rng.uniform(0.96, 1.04),
    ry: g.ry * rng.uniform(0.96, 1.04),
    roll: g.roll + rng.uniform(-0.05, 0.05),
  };
  const donor = renderFace(size, randomIdentity(rng), aligned, randomScene(rng));
  const shift = [0, 1, 2].map(() => (rng.chance(0.5) ? 1 : -1) * rng.uniform(4, 12));
  for (let i = 0; i < donor.length; i += 3) for (let c = 0; c < 3; c++) donor[i + c] += shift[c];
  const donorBytes = addGrain(donor, grain, rng);
  // the generator works at a lower resolution: shrink and enlarge (grain and detail lost, interpolation left)
  const f = rng.uniform(0.4, 0.75);
  const small = Math.max(8, Math.round(size * f));
  // two pipelines: sharp applies only the last resize() of a chain
  const shrunk = await sharp(donorBytes, { raw: { width: size, height: size, channels: 3 } }).resize(small, small, { kernel: 'linear' }).raw().toBuffer();
  const resampled = await sharp(shrunk, { raw: { width: small, height: small, channels: 3 } })
    .resize(size, size, { kernel: rng.chance(0.5) ? 'linear' : 'cubic' })
    .raw()
    .toBuffer();
  // soft elliptical mask over the inner face
  const mask = new Float32Array(size * size);
  const mcx = g.cx * size;
  const mcy = (g.cy + 0.04) * size;
  const mrx = g.rx * size * rng.uniform(0.72, 0.88);
  const mry = g.ry * size * rng.uniform(0.72, 0.88);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x + 0.5 - mcx) / mrx;
      const dy = (y + 0.5 - mcy) / mry;
      if (dx * dx + dy * dy <= 1) mask[y * size + x] = 1;
    }
  }
  blurFloatMap(mask, size, size, size * rng.uniform(0.008, 0.02));
  const ratio = rng.uniform(0.85, 1);
  const out = new Uint8Array(target.length);
  for (let p = 0, i = 0; p < mask.length; p++, i += 3) {
    const m = mask[p] * ratio;
    for (let c = 0; c < 3; c++) out[i + c] = Math.round(target[i + c] * (1 - m) + resampled[i + c] * m);
  }
  return out;
}
