import { orderedMap } from './ordered-map';
import { batchOf, releaser, skipOrThrow, type Batch, type StreamOptions, type StreamSample } from './stream-batches';

/** Writes a sample's normalised floats into `out` at `offset` (in floats); rejects for a bad image. */
export type PrepareInto = (sample: StreamSample, out: Float32Array, offset: number) => Promise<void>;

/**
 * The arrays batches are filled in, one per batch index: a released one (see {@link Batch.release}) from `spare`
 * when there is one, else a fresh one. `spare` outlives the epoch (the loader keeps it), so a training run
 * allocates a handful of arrays in all, not a handful per epoch. A released array is reused as it is: every slot
 * of a full batch is written before it is yielded, so no stale floats can show.
 */
function batchBuffers(floats: number, spare: Float32Array[]): { get(b: number): Float32Array; take(b: number, floats: number): Float32Array } {
  const live = new Map<number, Float32Array>();
  const get = (b: number) => {
    let buffer = live.get(b);
    if (!buffer) live.set(b, (buffer = spare.pop() ?? new Float32Array(floats)));
    return buffer;
  };
  return {
    get,
    take: (b, n) => {
      const buffer = get(b);
      live.delete(b);
      // a short (last) batch is a view of its array, so releasing it can hand the whole array back
      return n === buffer.length ? buffer : buffer.subarray(0, n);
    },
  };
}

/**
 * {@link streamBatches} for samples prepared straight into their batch as normalised floats (the loader's
 * in-thread path: no image is kept until the batch is full, no second pass over it). Sample k goes to slot k of
 * the epoch (batch k / batchSize, position k % batchSize); a skipped image moves every later sample one slot
 * back, done here, in order, by copying (only the rare samples after a bad image are copied). That is safe
 * because results are taken in sample order: when sample k is moved, no sample up to k is still being written,
 * and a sample only ever moves to a lower slot, in a batch not yet yielded. Batches the consumer releases are
 * reused through `spare` (kept by the loader across epochs).
 */
export async function* streamBatchesInPlace(
  samples: readonly StreamSample[],
  prepareInto: PrepareInto,
  o: StreamOptions,
  spare: Float32Array[] = [],
): AsyncGenerator<Batch> {
  const { input, batchSize } = o;
  const pixels = input.size * input.size * 3;
  const buffers = batchBuffers(batchSize * pixels, spare);
  const slot = (k: number) => ({ buffer: buffers.get(Math.floor(k / batchSize)), offset: (k % batchSize) * pixels });
  const indexed = samples.map((sample, k) => ({ sample, k }));
  let stopped = false;
  const work = async ({ sample, k }: { sample: StreamSample; k: number }) => {
    if (stopped) return; // still queued when the consumer stopped: not worth decoding
    const { buffer, offset } = slot(k);
    await prepareInto(sample, buffer, offset);
  };
  let filled = 0; // samples placed so far: the next one goes to slot `filled`
  let group: StreamSample[] = [];
  const emit = (): Batch => {
    const images = buffers.take(Math.floor((filled - 1) / batchSize), group.length * pixels);
    const batch = batchOf(group, images, input);
    group = [];
    const whole = images.length === batchSize * pixels ? images : new Float32Array(images.buffer, images.byteOffset, batchSize * pixels);
    return { ...batch, release: releaser(whole, batchSize * pixels, spare) };
  };
  try {
    for await (const result of orderedMap(indexed, work, o.window, o.concurrency)) {
      const { sample, k } = result.input;
      if (!result.ok) {
        skipOrThrow(sample, result.error, o);
        continue;
      }
      if (k !== filled) {
        const from = slot(k);
        const to = slot(filled);
        to.buffer.set(from.buffer.subarray(from.offset, from.offset + pixels), to.offset);
      }
      filled++;
      group.push(sample);
      if (group.length === batchSize) yield emit();
    }
    if (group.length > 0 && !o.dropLast) yield emit();
  } finally {
    stopped = true;
  }
}
