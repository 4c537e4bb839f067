import { orderedMap } from './ordered-map';
import { batchOf, releaser, skipOrThrow, type Batch, type StreamOptions, type StreamSample } from './stream-batches';
import type { PreparePool } from './worker-pool';

/**
 * The loader's batches from worker threads: each batch's samples go to one worker as one job, which sends back
 * their floats in one transferred array; when no image of it was skipped (the usual case) that array is the batch,
 * with no copy. After a skipped image the later samples are copied into place, so batches stay full and in sample
 * order, exactly as in-thread. `prefetch` jobs run ahead of the consumer. Batches the consumer releases go back
 * to the workers through `spare` (kept by the loader across epochs), so they fill the same arrays again.
 */
export async function* streamWorkerBatches(
  samples: readonly StreamSample[],
  pool: PreparePool,
  o: StreamOptions,
  prefetch: number,
  spare: Float32Array[] = [],
): AsyncGenerator<Batch> {
  const { input, batchSize } = o;
  const pixels = input.size * input.size * 3;
  const runs: StreamSample[][] = [];
  for (let i = 0; i < samples.length; i += batchSize) runs.push(samples.slice(i, i + batchSize));
  // a full run goes out with a released batch array, if there is one, for the worker to fill
  const prepare = (run: StreamSample[]) => pool.prepare(run, run.length === batchSize ? spare.pop() : undefined);
  // the batch being filled by copying, once a skipped image has shifted the samples
  let carry: { samples: StreamSample[]; floats: Float32Array } | null = null;
  for await (const result of orderedMap(runs, prepare, prefetch, prefetch)) {
    if (!result.ok) throw result.error;
    const run = result.input;
    const { floats, failed } = result.value;
    for (const [index, error] of failed) skipOrThrow(run[index], error, o);
    if (!carry && failed.size === 0 && run.length === batchSize) {
      yield { ...batchOf(run, floats, input), release: releaser(floats, batchSize * pixels, spare) };
      continue;
    }
    for (let i = 0; i < run.length; i++) {
      if (failed.has(i)) continue;
      carry ??= { samples: [], floats: new Float32Array(batchSize * pixels) };
      carry.floats.set(floats.subarray(i * pixels, (i + 1) * pixels), carry.samples.length * pixels);
      carry.samples.push(run[i]);
      if (carry.samples.length === batchSize) {
        yield batchOf(carry.samples, carry.floats, input);
        carry = null;
      }
    }
  }
  if (carry && !o.dropLast) yield batchOf(carry.samples, carry.floats.slice(0, carry.samples.length * pixels), input);
}
