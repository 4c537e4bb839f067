import { orderedMap } from './ordered-map';
import { batchOf, skipOrThrow, type Batch, type StreamOptions, type StreamSample } from './stream-batches';

/** Writes a sample's normalised floats into `out` at `offset` (in floats); rejects for a bad image. */
export type PrepareInto = (sample: StreamSample, out: Float32Array, offset: number) => Promise<void>;

/**
 * {@link streamBatches} for samples prepared by other threads straight into the batch that will be yielded (a
 * SharedArrayBuffer each), so neither side copies a sample. Sample k is sent to slot k of the epoch (batch
 * k / batchSize, position k % batchSize); a skipped image moves every later sample one slot back, which is
 * done here, in order, by copying: only the (rare) samples after a bad image are copied. That is safe because
 * results are taken in sample order: when sample k is moved, no sample up to k is still being written, and a
 * slot is only ever moved to a lower one.
 */
export async function* streamBatchesInPlace(samples: readonly StreamSample[], prepareInto: PrepareInto, o: StreamOptions): AsyncGenerator<Batch> {
  const { input, batchSize } = o;
  const pixels = input.size * input.size * 3;
  const buffers = new Map<number, Float32Array>();
  const slot = (k: number): { buffer: Float32Array; offset: number } => {
    const b = Math.floor(k / batchSize);
    let buffer = buffers.get(b);
    if (!buffer) {
      buffer = new Float32Array(new SharedArrayBuffer(batchSize * pixels * Float32Array.BYTES_PER_ELEMENT));
      buffers.set(b, buffer);
    }
    return { buffer, offset: (k % batchSize) * pixels };
  };
  const indexed = samples.map((sample, k) => ({ sample, k }));
  const work = ({ sample, k }: { sample: StreamSample; k: number }) => {
    const { buffer, offset } = slot(k);
    return prepareInto(sample, buffer, offset);
  };
  let filled = 0; // samples placed so far: the next one goes to slot `filled`
  let group: StreamSample[] = [];
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
    if (group.length === batchSize) {
      const b = Math.floor((filled - 1) / batchSize);
      yield batchOf(group, slot(filled - 1).buffer, input);
      buffers.delete(b);
      group = [];
    }
  }
  if (group.length > 0 && !o.dropLast) {
    const { buffer } = slot(filled - 1);
    yield batchOf(group, new Float32Array(buffer.buffer, 0, group.length * pixels), input);
  }
}
