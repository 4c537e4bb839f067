import { availableParallelism } from 'node:os';
import { SeededRandom, deriveSeed } from '@dfl/core';
import type { AugmentPipeline } from '../augment/augment-pipeline';
import { isBuiltInAugmentation } from '../augment/augmentation-registry';
import type { DatasetItem } from '../dataset/dataset-item';
import type { ImageInputConfig } from '../image/input-config';
import { samplePreparerInto } from './prepare-sample';
import type { BadImagePolicy, Batch, SkippedImage, StreamSample } from './stream-batches';
import { streamBatchesInPlace } from './stream-in-place';
import { streamWorkerBatches } from './stream-workers';
import { PreparePool } from './worker-pool';

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
  /** Images decoded at once in this thread (default: the number of CPUs, at least 2); each worker runs 4. */
  readonly concurrency?: number;
  /**
   * Worker threads that decode, augment and normalise whole batches and hand each over without a copy (0: all
   * in this thread, sharp decoding on libuv's pool). `prefetchBatches` batches per worker run ahead.
   * Default {@link defaultWorkers}. A pipeline with a run-time registered (non built-in) augmentation runs in
   * this thread whatever this says. The batches are the same for any number of workers.
   */
  readonly workers?: number;
  readonly onBadImage?: BadImagePolicy;
  /** How the image (the face crop, for an item with `face`) is fitted to the square input (default `fill`: squashed). */
  readonly fit?: 'fill' | 'cover';
}

export interface BatchLoader {
  /** The batches of one epoch, decoded and augmented ahead of the consumer. Epochs are numbered from 0. */
  epoch(epoch: number): AsyncGenerator<Batch>;
  /** How many samples an epoch plans (before skipped images): the items plus the SBI fakes drawn for it. */
  plannedSamples(epoch: number): number;
  /** Images skipped so far under the `skip` policy, one entry per file. */
  skipped(): readonly SkippedImage[];
  /**
   * Stops the worker threads now, if any. Not required: idle workers never keep the process alive, and they stop
   * by themselves {@link WORKER_IDLE_MS} after an epoch ends unless another one starts.
   */
  close(): Promise<void>;
}

/**
 * Default concurrency: one image per core plus one. Both decoders run on libuv's pool (libvips, and the JPEG fast
 * path's read-and-decode), so the extra one keeps every core busy while this thread hands out the next image;
 * more only adds memory (bench/data: 2 cores decoded fastest with 3).
 */
export function defaultConcurrency(): number {
  return Math.max(2, availableParallelism() + 1);
}

/** How long worker threads outlive an epoch, waiting for the next one (a long-lived process runs many loaders). */
export const WORKER_IDLE_MS = 20_000;

/** Epochs smaller than this run in the loader's thread by default: starting workers costs more than they save. */
export const WORKER_MIN_SAMPLES = 512;

/**
 * Default worker count: `DFL_DATA_WORKERS` when set; else, with more than 2 CPUs and an epoch of at least
 * {@link WORKER_MIN_SAMPLES} samples, one per CPU but one (the loader's thread keeps the training step); else 0.
 * On 2 cores the loader's thread plus libuv's already fill the machine, and bench/data measured workers no faster
 * there (they add a zeroed array per batch in another thread and a second heap); in-thread the loader is bounded
 * by one thread (~700 img/s for 256 px JPEGs), which more cores lift.
 */
export function defaultWorkers(samples: number): number {
  const env = process.env.DFL_DATA_WORKERS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`DFL_DATA_WORKERS must be an integer >= 0, got '${env}'`);
    return n;
  }
  const cpus = availableParallelism();
  return cpus > 2 && samples >= WORKER_MIN_SAMPLES ? cpus - 1 : 0;
}

/**
 * A streaming batch loader: images are read, decoded (sharp, libvips threads), augmented and normalised ahead of
 * the training step through a bounded queue, so memory stays flat however large the dataset. Order and
 * augmentation are a pure function of (seed, epoch): every sample has its own generator, so neither the decoding
 * order nor the thread that decoded it matters.
 */
export function createBatchLoader(options: BatchLoaderOptions): BatchLoader {
  const { items, input, augment, batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)) {
    throw new RangeError(`workers must be an integer >= 0, got ${options.workers}`);
  }
  const shuffle = options.shuffle ?? augment !== undefined;
  const skipped = new Map<string, SkippedImage>();
  const fakesPerReal = augment?.fakesPerReal ?? 0;
  const prepareHere = samplePreparerInto({ input, augment, fit: options.fit });
  const spareBatches: Float32Array[] = []; // released batch arrays, reused by the next epochs too
  const transferable = !augment || augment.steps.every((s) => isBuiltInAugmentation(s.spec));
  let pool: PreparePool | null = null;
  let running = 0;
  let idleTimer: NodeJS.Timeout | null = null;
  const stopPool = async () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    const p = pool;
    pool = null;
    await p?.close();
  };

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

  const workerPool = (samples: number): PreparePool | null => {
    const workers = transferable ? (options.workers ?? defaultWorkers(samples)) : 0;
    if (workers === 0) return null;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    pool ??= new PreparePool(workers, {
      input,
      fit: options.fit,
      steps: augment ? augment.steps.map((s) => ({ name: s.spec.name, p: s.p, options: s.options })) : null,
    });
    return pool;
  };

  return {
    async *epoch(epoch: number) {
      const samples = plan(epoch);
      const workers = workerPool(samples.length);
      const concurrency = options.concurrency ?? defaultConcurrency();
      const o = {
        input,
        batchSize,
        dropLast: options.dropLast ?? false,
        window: Math.max(concurrency, (options.prefetchBatches ?? 2) * batchSize),
        concurrency,
        policy: options.onBadImage ?? 'error',
        skipped,
      };
      running++;
      try {
        if (workers) yield* streamWorkerBatches(samples, workers, o, (options.prefetchBatches ?? 2) * workers.size, spareBatches);
        else yield* streamBatchesInPlace(samples, prepareHere, o, spareBatches);
      } finally {
        running--;
        if (pool && running === 0) {
          idleTimer = setTimeout(() => void stopPool(), WORKER_IDLE_MS);
          idleTimer.unref();
        }
      }
    },
    plannedSamples: (epoch) => plan(epoch).length,
    skipped: () => [...skipped.values()],
    close: stopPool,
  };
}
