import { availableParallelism } from 'node:os';
import { SeededRandom, deriveSeed } from '@dfl/core';
import type { AugmentPipeline } from '../augment/augment-pipeline';
import type { DatasetItem } from '../dataset/dataset-item';
import { resizeImage } from '../image/decode';
import type { ImageInputConfig } from '../image/input-config';
import { loadImage } from './load-image';
import { streamBatches, type BadImagePolicy, type Batch, type SkippedImage, type StreamSample } from './stream-batches';

export interface BatchLoaderOptions {
  readonly items: ReadonlyArray<DatasetItem>;
  /** The backbone's input config: size, mean, std, interpolation. */
  readonly input: ImageInputConfig;
  /** Training augmentations (and the SBI fake source); omit for evaluation. */
  readonly augment?: AugmentPipeline;
  readonly batchSize: number;
  readonly seed: number;
  /** Reshuffle every epoch (seeded). Default true when `augment` is given, else false. */
  readonly shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false: it is yielded, smaller). */
  readonly dropLast?: boolean;
  /** Batches decoded ahead of the consumer (default 2). */
  readonly prefetchBatches?: number;
  /** Images decoded at once (default: the number of CPUs, at least 2). */
  readonly concurrency?: number;
  readonly onBadImage?: BadImagePolicy;
  /** How the image is fitted to the square input (default `fill`: the whole crop, squashed). */
  readonly fit?: 'fill' | 'cover';
}

export interface BatchLoader {
  /** The batches of one epoch, decoded and augmented ahead of the consumer. Epochs are numbered from 0. */
  epoch(epoch: number): AsyncGenerator<Batch>;
  /** How many samples an epoch plans (before skipped images): the items plus the SBI fakes drawn for it. */
  plannedSamples(epoch: number): number;
  /** Images skipped so far under the `skip` policy, one entry per file. */
  skipped(): readonly SkippedImage[];
}

/** Default concurrency: libvips runs each decode on a libuv thread; more than the cores only adds memory. */
export function defaultConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/**
 * A streaming batch loader: images are read, decoded (sharp, libvips threads), augmented and normalised ahead of
 * the training step through a bounded queue, so memory stays flat however large the dataset. Order and
 * augmentation are a pure function of (seed, epoch): every sample has its own generator, so the decoding order
 * does not matter.
 */
export function createBatchLoader(options: BatchLoaderOptions): BatchLoader {
  const { items, input, augment, batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const shuffle = options.shuffle ?? augment !== undefined;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const skipped = new Map<string, SkippedImage>();
  const fakesPerReal = augment?.fakesPerReal ?? 0;

  const plan = (epoch: number): StreamSample[] => {
    const rng = new SeededRandom(deriveSeed(seed, 'epoch', epoch));
    const samples: StreamSample[] = [];
    for (const item of items) {
      if (skipped.has(item.path)) continue;
      samples.push({ item, fake: 0, seed: deriveSeed(seed, 'sample', epoch, item.name, 0) });
      if (fakesPerReal > 0 && item.label === 0) {
        const count = Math.floor(fakesPerReal) + (rng.chance(fakesPerReal % 1) ? 1 : 0);
        for (let k = 1; k <= count; k++) samples.push({ item, fake: k, seed: deriveSeed(seed, 'sample', epoch, item.name, k) });
      }
    }
    return shuffle ? rng.shuffle(samples) : samples;
  };

  const prepare = async (sample: StreamSample) => {
    let image = await loadImage(sample.item.path, input.size, input.interpolation, options.fit);
    if (augment) {
      const rng = new SeededRandom(sample.seed);
      const context = { landmarks: sample.item.landmarks, interpolation: input.interpolation };
      if (sample.fake > 0) image = await augment.makeFake(image, rng.fork(1), context);
      image = await augment.apply(image, rng.fork(2), context);
    }
    if (image.width !== input.size || image.height !== input.size) image = await resizeImage(image, input.size, input.size, input.interpolation);
    return [image];
  };

  return {
    async *epoch(epoch: number) {
      const stream = streamBatches(plan(epoch), prepare, {
        input,
        batchSize,
        dropLast: options.dropLast ?? false,
        window: Math.max(concurrency, (options.prefetchBatches ?? 2) * batchSize),
        concurrency,
        policy: options.onBadImage ?? 'error',
        skipped,
      });
      for await (const [batch] of stream) yield batch;
    },
    plannedSamples: (epoch) => plan(epoch).length,
    skipped: () => [...skipped.values()],
  };
}
