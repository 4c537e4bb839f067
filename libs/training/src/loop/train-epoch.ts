import * as tf from '@tensorflow/tfjs';
import type { ParameterOptimizer } from '../optimizer-steps/parameter-optimizer';
import { softmaxCrossEntropy } from './cross-entropy';
import { clipByGlobalNorm } from './grad-clip';
import type { ImageBatch, TrainableModel } from './trainable-model';

export interface TrainEpochOptions {
  readonly model: TrainableModel;
  readonly optimizer: ParameterOptimizer;
  /** Learning rate for a given optimizer update within this epoch (per-step schedules such as warmup). */
  readonly lrAt: (stepInEpoch: number) => number;
  readonly batches: AsyncIterable<ImageBatch>;
  readonly labelSmoothing?: number;
  readonly gradClip?: number | null;
  /** Micro-batches whose gradients are averaged before one update (bigger effective batch in the same memory). */
  readonly gradAccumulation?: number;
  /** Called after each step; may throw to abort (e.g. on a signal). */
  readonly onStep?: (info: StepInfo) => void;
}

export interface StepInfo {
  readonly step: number;
  readonly images: number;
  readonly loss: number;
  readonly lr: number;
  readonly dataSeconds: number;
  readonly stepSeconds: number;
}

export interface EpochTrainResult {
  readonly meanLoss: number;
  readonly images: number;
  readonly steps: number;
  /** Time spent waiting for the loader (decode + augment not hidden by prefetch). */
  readonly dataSeconds: number;
  /** Time spent in forward + backward + update. */
  readonly stepSeconds: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** One pass over the training batches. Every tensor it makes is disposed before it returns. */
export async function trainEpoch(o: TrainEpochOptions): Promise<EpochTrainResult> {
  let lossSum = 0;
  let images = 0;
  let steps = 0;
  let dataSeconds = 0;
  let stepSeconds = 0;
  const accumulate = Math.max(1, o.gradAccumulation ?? 1);
  const variables = o.model.trainableVariables as tf.Variable[];
  let pending: tf.NamedTensorMap | null = null;
  let pendingCount = 0;
  let updates = 0;

  // One optimizer update from the gradients summed so far (averaged over the micro-batches that made them).
  const update = () => {
    if (!pending) return;
    let grads = pending;
    if (pendingCount > 1) {
      const scale = 1 / pendingCount;
      grads = tf.tidy(() => Object.fromEntries(Object.entries(pending as tf.NamedTensorMap).map(([k, g]) => [k, g.mul(scale)])));
      tf.dispose(pending);
    }
    if (o.gradClip && o.gradClip > 0) {
      const clipped = clipByGlobalNorm(grads, o.gradClip).grads;
      tf.dispose(grads);
      grads = clipped;
    }
    o.optimizer.step(variables, grads, o.lrAt(updates));
    tf.dispose(grads);
    pending = null;
    pendingCount = 0;
    updates += 1;
  };

  const iterator = o.batches[Symbol.asyncIterator]();
  for (;;) {
    const t0 = now();
    const next = await iterator.next();
    if (next.done) break;
    const batch = next.value;
    const t1 = now();
    const x = tf.tensor4d(batch.images, [...batch.shape] as [number, number, number, number]);
    const y = tf.tensor1d(batch.labels, 'int32');
    let loss: number;
    try {
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(o.model.apply(x, true), y, o.labelSmoothing ?? 0), variables);
      loss = (await value.data())[0];
      value.dispose();
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        throw new Error(`training diverged: loss is ${loss} at step ${steps + 1} (lower the learning rate or enable train.grad_clip)`);
      }
      if (pending) {
        const sum: tf.NamedTensorMap = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.add((pending as tf.NamedTensorMap)[k])])));
        tf.dispose([pending, grads]);
        pending = sum;
      } else {
        pending = grads;
      }
      pendingCount += 1;
      if (pendingCount === accumulate) update();
    } finally {
      tf.dispose([x, y]);
      // the tensors are gone (the cpu backend shared the array): the loader may refill it for a later batch
      batch.release?.();
    }
    const t2 = now();
    const n = batch.shape[0];
    lossSum += loss * n;
    images += n;
    steps += 1;
    dataSeconds += t1 - t0;
    stepSeconds += t2 - t1;
    o.onStep?.({ step: steps, images: n, loss, lr: o.lrAt(Math.max(0, updates - 1)), dataSeconds: t1 - t0, stepSeconds: t2 - t1 });
  }
  // a last, incomplete accumulation still updates (as the last partial batch does)
  const t3 = now();
  update();
  stepSeconds += now() - t3;
  return { meanLoss: images ? lossSum / images : NaN, images, steps, dataSeconds, stepSeconds };
}
