import { UserError } from '@dfl/core';
import type { DatasetItem } from '../dataset/dataset-item';
import type { ImageInputConfig } from '../image/input-config';
import { writeNormalized } from '../image/normalize';
import type { RgbImage } from '../image/rgb-image';
import { ImageLoadError } from './load-image';
import { orderedMap } from './ordered-map';
import type { PreparedImage } from './prepare-sample';

/** One view of a prepared sample at the input size, normalised when the batch is assembled (and mirrored then). */
export type PreparedView = RgbImage | PreparedImage;

/** What to do with an image that is missing, truncated or not an image. */
export type BadImagePolicy = 'error' | 'skip';

export interface SkippedImage {
  readonly path: string;
  readonly name: string;
  readonly reason: string;
}

/** One batch, ready for `tf.tensor4d(images, shape)`; labels as the training loop's `ImageBatch` wants them. */
export interface Batch {
  /** NHWC float32, normalised with the input config's mean and std. */
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, 3];
  /** 1 = fake, 0 = real, -1 = unlabelled (a test set). */
  readonly labels: Int32Array;
  readonly names: readonly string[];
  /** 1 where the sample is a pseudo-fake made by the fake source (SBI) from the real image of that name. */
  readonly synthetic: Uint8Array;
  readonly size: number;
  /**
   * Hands `images` back to the loader for a later batch of the epoch, when the consumer is done with it and with
   * any tensor that may share its memory (tfjs' cpu backend keeps the array itself). Optional: a batch never
   * released is left to the garbage collector. Reusing the arrays saves the page faults, zeroing and major
   * garbage collections that a fresh 25 MB array per batch costs (bench/data). Absent where there is no reuse.
   */
  readonly release?: () => void;
}

export interface StreamSample {
  readonly item: DatasetItem;
  /** 0 for the image itself, k >= 1 for its k-th pseudo-fake (label 1). */
  readonly fake: number;
  readonly seed: number;
}

export interface StreamOptions {
  readonly input: ImageInputConfig;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly window: number;
  readonly concurrency: number;
  readonly policy: BadImagePolicy;
  /** Filled with the images skipped under the `skip` policy (keyed by path). */
  readonly skipped: Map<string, SkippedImage>;
}

/**
 * The loader core shared by training and TTA: prepares samples ahead of the consumer (bounded window), applies
 * the bad-image policy, and groups the prepared views into batches (one Batch per view, same samples in each).
 * A skipped image does not leave a hole: the batch is filled from the next samples.
 */
export async function* streamBatches(
  samples: Iterable<StreamSample>,
  prepare: (sample: StreamSample) => Promise<readonly PreparedView[]>,
  o: StreamOptions,
  spare: Float32Array[] = [],
): AsyncGenerator<Batch[]> {
  const { input } = o;
  const pixels = input.size * input.size * 3;
  const full = o.batchSize * pixels;
  let group: Array<{ sample: StreamSample; views: readonly PreparedView[] }> = [];
  const emit = (): Batch[] => {
    const n = group.length;
    const names = group.map((g) => g.sample.item.name);
    const viewCount = group[0].views.length;
    const perView: Float32Array[] = [];
    for (let v = 0; v < viewCount; v++) {
      // a full batch fills a released array when there is one (every float of it is written below)
      const images = (n * pixels === full ? spare.pop() : undefined) ?? new Float32Array(n * pixels);
      group.forEach(({ views }, i) => {
        const view = views[v];
        const { image, mirror } = 'image' in view ? view : { image: view, mirror: undefined };
        if (image.width !== input.size || image.height !== input.size) {
          throw new Error(`internal: view ${v} of ${names[i]} is ${image.width}x${image.height}, expected ${input.size}x${input.size}`);
        }
        writeNormalized(image, input.mean, input.std, images, i * pixels, mirror);
      });
      perView.push(images);
    }
    const meta = batchOf(group.map((g) => g.sample), perView[0], input);
    group = [];
    return perView.map((images) => ({ ...meta, images, release: releaser(images, full, spare) }));
  };
  for await (const result of orderedMap(samples, prepare, o.window, o.concurrency)) {
    if (!result.ok) {
      skipOrThrow(result.input, result.error, o);
      continue;
    }
    group.push({ sample: result.input, views: result.value });
    if (group.length === o.batchSize) yield emit();
  }
  if (group.length > 0 && !o.dropLast) yield emit();
}

/** Spare batch arrays a stream keeps for reuse: about the batches in flight (prefetch) come back at once. */
const MAX_SPARE = 4;

/**
 * A batch's {@link Batch.release}: hands `images` (whole-batch arrays only) to `spare` for a later batch, once
 * (a second call must not hand back an array that a later batch now holds).
 */
export function releaser(images: Float32Array, floats: number, spare: Float32Array[]): () => void {
  let released = false;
  return () => {
    if (!released && images.length === floats && images.byteOffset === 0 && spare.length < MAX_SPARE) spare.push(images);
    released = true;
  };
}

/** A Batch over `images` (already filled) for these samples, in order. */
export function batchOf(samples: readonly StreamSample[], images: Float32Array, input: ImageInputConfig): Batch {
  const n = samples.length;
  const labels = new Int32Array(n);
  const synthetic = new Uint8Array(n);
  samples.forEach((sample, i) => {
    labels[i] = sample.fake > 0 ? 1 : (sample.item.label ?? -1);
    synthetic[i] = sample.fake > 0 ? 1 : 0;
  });
  return { images, shape: [n, input.size, input.size, 3], labels, names: samples.map((s) => s.item.name), synthetic, size: n };
}

/** The bad-image policy for a sample that failed: throws (policy error, or not an image problem) or records it. */
export function skipOrThrow(sample: StreamSample, error: unknown, o: Pick<StreamOptions, 'policy' | 'skipped'>): void {
  const { item } = sample;
  if (!(error instanceof ImageLoadError)) {
    throw new Error(`processing image ${item.path} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  if (o.policy === 'error') throw new UserError(`${error.message} (data.bad_images: skip leaves such images out and lists them in the run report)`);
  if (!o.skipped.has(item.path)) o.skipped.set(item.path, { path: item.path, name: item.name, reason: error.reason });
}
