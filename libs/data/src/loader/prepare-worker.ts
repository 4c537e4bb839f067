/* The body of a PreparePool worker thread: rebuilds the loader's per-sample work and runs the jobs it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildAugmentPipeline } from '../augment/augment-pipeline';
import { ImageLoadError } from './load-image';
import { orderedMap } from './ordered-map';
import { samplePreparerInto } from './prepare-sample';
import type { PrepareJob, PrepareReply, SampleFailure, WorkerSetup } from './worker-pool';

const { setup } = workerData as { setup: WorkerSetup };
const { input } = setup;
// this thread does nothing else: reading the (small) files synchronously saves the promise machinery per file
const prepareInto = samplePreparerInto({ input, fit: setup.fit, augment: setup.steps ? buildAugmentPipeline(setup.steps) : undefined, syncReads: true });
const port = parentPort as NonNullable<typeof parentPort>;
const floatsPerSample = input.size * input.size * 3;
/** Samples of a job in flight at once: sharp's decodes (the general path) overlap with this thread's work. */
const IN_FLIGHT = 4;

port.on('message', ({ id, samples, into }: PrepareJob) => {
  run(samples, into).then(
    ({ floats, failed }) => port.postMessage({ id, ok: true, floats, failed } satisfies PrepareReply, [floats.buffer]),
    (err: unknown) => port.postMessage({ id, ok: false, message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack } satisfies PrepareReply),
  );
});

async function run(samples: PrepareJob['samples'], into: Float32Array | undefined): Promise<{ floats: Float32Array<ArrayBuffer>; failed: SampleFailure[] }> {
  // a released batch array is filled as it is: every sample's slot is written (a failed one's is garbage anyway)
  const floats =
    into && into.length === samples.length * floatsPerSample && into.byteOffset === 0
      ? (into as Float32Array<ArrayBuffer>)
      : new Float32Array(new ArrayBuffer(samples.length * floatsPerSample * Float32Array.BYTES_PER_ELEMENT));
  const failed: SampleFailure[] = [];
  const indexed = samples.map((sample, index) => ({ sample, index }));
  const work = ({ sample, index }: (typeof indexed)[number]) => prepareInto(sample, floats, index * floatsPerSample);
  for await (const r of orderedMap(indexed, work, IN_FLIGHT, IN_FLIGHT)) {
    if (r.ok) continue;
    const e = r.error as Error;
    const load = r.error instanceof ImageLoadError ? { path: r.error.path, reason: r.error.reason } : undefined;
    failed.push({ index: r.input.index, load, message: e?.message ?? String(r.error), stack: e?.stack });
  }
  return { floats, failed };
}
