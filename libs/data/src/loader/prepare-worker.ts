/* The body of a PreparePool worker thread: rebuilds the loader's per-sample work and runs the jobs it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildAugmentPipeline } from '../augment/augment-pipeline';
import { writeNormalized } from '../image/normalize';
import { ImageLoadError } from './load-image';
import { samplePreparer } from './prepare-sample';
import type { PrepareJob, PrepareReply, WorkerSetup } from './worker-pool';

const { setup } = workerData as { setup: WorkerSetup };
const { input } = setup;
const prepare = samplePreparer({ input, fit: setup.fit, augment: setup.steps ? buildAugmentPipeline(setup.steps) : undefined });
const port = parentPort as NonNullable<typeof parentPort>;

port.on('message', ({ id, sample, out, offset }: PrepareJob) => {
  prepare(sample).then(
    ({ image, mirror }) => {
      writeNormalized(image, input.mean, input.std, new Float32Array(out), offset, mirror);
      port.postMessage({ id, ok: true } satisfies PrepareReply);
    },
    (err: unknown) => {
      const e = err as Error;
      const load = err instanceof ImageLoadError ? { path: err.path, reason: err.reason } : undefined;
      port.postMessage({ id, ok: false, load, message: e?.message ?? String(err), stack: e?.stack } satisfies PrepareReply);
    },
  );
});
