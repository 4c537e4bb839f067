import * as tf from '@tensorflow/tfjs';
import type { BackboneModel } from '@dfl/models';
import { AdamStep, type ParameterOptimizer } from '@dfl/training';

/** One training batch like torch_throughput.py's: random N(0,1) images, random labels over the model's classes. */
export function randomBatch(batch: number, size: number, classes: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.randomUniform([batch], 0, classes, 'int32', 2);
    return { x, y: tf.oneHot(labels, classes).toFloat() as tf.Tensor2D };
  });
}

/** The trainer's Adam (torch.optim.Adam semantics; one native pass per variable on `native`), lr 1e-3 as the reference. */
export const benchOptimizer = (): ParameterOptimizer => new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false });

/** Adam + mean softmax cross-entropy, the recipe the PyTorch reference times, as `dfl run` steps it. Returns the loss. */
export function trainStep(model: BackboneModel, opt: ParameterOptimizer, x: tf.Tensor4D, y: tf.Tensor2D): number {
  const variables = model.trainableVariables;
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })) as tf.Scalar, variables);
  opt.step(variables, grads, 1e-3);
  const v = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface Timing {
  imgPerSec: number;
  /** Median seconds per batch. */
  secPerBatch: number;
  samples: number;
}

export function timeTraining(model: BackboneModel, batch: number, size: number, warmup: number, steps: number): Timing & { loss: number } {
  const { x, y } = randomBatch(batch, size, model.config.numClasses);
  const opt = benchOptimizer();
  let loss = NaN;
  try {
    for (let i = 0; i < warmup; i++) loss = trainStep(model, opt, x, y);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      loss = trainStep(model, opt, x, y);
      times.push((performance.now() - t) / 1000);
    }
    const s = median(times);
    return { imgPerSec: batch / s, secPerBatch: s, samples: steps, loss };
  } finally {
    opt.dispose();
    tf.dispose([x, y]);
  }
}

export function timeInference(model: BackboneModel, batch: number, size: number, warmup: number, steps: number): Timing {
  const { x, y } = randomBatch(batch, size, model.config.numClasses);
  // the path scoring takes (validation, promote, the test API): BatchNorm folded into the convolutions
  const folded = model.inference();
  try {
    const run = () => {
      const out = folded.predict(x);
      out.dataSync();
      out.dispose();
    };
    for (let i = 0; i < warmup; i++) run();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      run();
      times.push((performance.now() - t) / 1000);
    }
    const s = median(times);
    return { imgPerSec: batch / s, secPerBatch: s, samples: steps };
  } finally {
    folded.dispose();
    tf.dispose([x, y]);
  }
}
