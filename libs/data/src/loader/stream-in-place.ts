import { orderedMap } from './ordered-map';
import { batchOf, skipOrThrow, type Batch, type StreamOptions, type StreamSample } from './stream-batches';

/** Writes a sample's normalised floats into `out` at `offset` (in floats); rejects for a bad image. */
export type PrepareInto = (sample: StreamSample, out: Float32Array, offset: number) => Promise<void>;

/** Batch buffers over SharedArrayBuffers that other threads fill, reused from epoch to epoch. */
export type BatchRing = Float32Array[];

/** How many batch buffers {@link streamBatchesInPlace} needs: every batch a sample in the window may land in. */
export function ringSize(o: Pick<StreamOptions, 'window' | 'batchSize'>): number {
  return Math.ceil(o.window / o.batchSize) + 2;
}

export function createBatchRing(o: Pick<StreamOptions, 'window' | 'batchSize' | 'input'>): BatchRing {
  const floats = o.batchSize * o.input.size * o.input.size * 3;
  return Array.from({ length: ringSize(o) }, () => new Float32Array(new SharedArrayBuffer(floats * Float32Array.BYTES_PER_ELEMENT)));
}

/**
 * {@link streamBatches} for samples that other threads prepare straight into shared batch buffers, so no sample
 * crosses threads by copy. Sample k goes to slot k of the epoch (batch k / batchSize, position k % batchSize) in
 * the ring buffer of its batch; a skipped image moves every later sample one slot back, done here, in order, by
 * copying (only the rare samples after a bad image are copied). That is safe because results are taken in sample
 * order: when sample k is moved, no sample up to k is still being written, and a sample only ever moves to a
 * lower slot. A full batch is copied out of the ring when yielded, so the consumer owns an ordinary array and the
 * ring stays a fixed size: workers see the same few SharedArrayBuffers for the whole run, which keeps memory flat
 * (a fresh shared buffer per batch stays alive until every worker has garbage-collected its handle to it).
 */
export async function* streamBatchesInPlace(samples: readonly StreamSample[], prepareInto: PrepareInto, o: StreamOptions, ring: BatchRing): AsyncGenerator<Batch> {
  const { input, batchSize } = o;
  if (ring.length < ringSize(o)) throw new Error(`internal: batch ring of ${ring.length}, needs ${ringSize(o)}`);
  const pixels = input.size * input.size * 3;
  const slot = (k: number) => ({ buffer: ring[Math.floor(k / batchSize) % ring.length], offset: (k % batchSize) * pixels });
  const indexed = samples.map((sample, k) => ({ sample, k }));
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const work = async ({ sample, k }: { sample: StreamSample; k: number }) => {
    if (stopped) return; // a sample still queued when the consumer stopped: never dispatched
    const { buffer, offset } = slot(k);
    const job = prepareInto(sample, buffer, offset);
    inFlight.add(job);
    const forget = () => void inFlight.delete(job);
    job.then(forget, forget);
    await job;
  };
  let filled = 0; // samples placed so far: the next one goes to slot `filled`
  let group: StreamSample[] = [];
  const emit = () => {
    const batch = batchOf(group, slot(filled - 1).buffer.slice(0, group.length * pixels), input);
    group = [];
    return batch;
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
    // stopped early (or failed): the ring is reused, so no worker may still be writing into it
    stopped = true;
    await Promise.allSettled([...inFlight]);
  }
}
