import * as tf from '@tensorflow/tfjs';
import { channelSum } from './batch-norm-gradient';
import {
  loadNativeEngine,
  NATIVE_BACKEND,
  NATIVE_BATCH_NORM_ACT_KERNEL,
  type NativeBatchNormActivation,
  type NativeBatchNormTraining,
} from './native-engine-loader';

export interface BatchNormTrainingResult {
  /** (x - mean) / sqrt(variance + eps) * gamma + beta, with the batch statistics. */
  readonly y: tf.Tensor;
  /** Batch mean per channel (no gradient flows through it: use it for the running statistics). */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance per channel (PyTorch normalises with it; the running estimate uses n/(n-1)). */
  readonly variance: tf.Tensor1D;
}

/**
 * Training-mode BatchNorm over the channels (last axis) as one differentiable op with the textbook gradient
 * dx = gamma·rstd·(dy - mean(dy) - x̂·mean(dy·x̂)). Same result as tf.moments + tf.batchNorm, but the backward
 * pass is two channel sums and a few full-size passes, instead of differentiating moments (ones-filled means,
 * squared differences) and tfjs's tiled FusedBatchNorm gradient; about a third of a resnet18 step on wasm.
 *
 * While the `native` backend is active this is the addon's nativeBatchNormTraining (the same contract: statistics
 * in one pass, the gradient in two, ~3x cheaper than the composition below on that backend), unless
 * DFL_NATIVE_BATCH_NORM=off.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  const native = tf.getBackend() === NATIVE_BACKEND ? nativeImplementation() : undefined;
  return native ? native(x, gamma, beta, eps) : composedBatchNormTraining(x, gamma, beta, eps);
}

/**
 * Training BatchNorm followed by `activation` as one op, when the active backend is `native` and its package has
 * the fused kernel: the activation runs inside BatchNorm's normalizing pass and its derivative inside the
 * gradient's two passes, so the normalized tensor and its gradient are never written (efficientnet_b0 and
 * mobilenet_v2 steps 7% and 17% cheaper on one thread). Undefined everywhere else (other backends,
 * DFL_NATIVE_BATCH_NORM=off, an older package): the caller then uses batchNormTraining and the activation.
 */
export function fusedBatchNormActivationTraining(
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, activation: NativeBatchNormActivation,
): BatchNormTrainingResult | undefined {
  if (x.dtype !== 'float32' || tf.getKernel(NATIVE_BATCH_NORM_ACT_KERNEL, tf.getBackend()) === undefined) return undefined;
  return nativeImplementation()?.(x, gamma, beta, eps, activation);
}

/** `DFL_NATIVE_BATCH_NORM=off` keeps the composition on `native` too (to measure or rule out the native kernels). */
function nativeImplementation(): NativeBatchNormTraining | undefined {
  if (process.env.DFL_NATIVE_BATCH_NORM === 'off') return undefined;
  return loadNativeEngine().module?.nativeBatchNormTraining;
}

/** The composition from tfjs ops, on every backend but `native` (exported for tests and benchmarks). */
export function composedBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainingResult {
  const c = x.shape[x.rank - 1];
  const n = x.size / c;
  // Computed outside the custom op: they are not its inputs, so the tape prunes them from the backward pass,
  // and the op's gradient accounts for their dependence on x.
  const mean = tf.div(channelSum(x), n) as tf.Tensor1D;
  const variance = tf.div(channelSum(tf.squaredDifference(x, mean)), n) as tf.Tensor1D;
  const op = tf.customGrad(((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xs, g, mean, variance]);
    const value = tf.batchNorm(xs, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, eps);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sg, sMean, sVar] = saved;
      const rstd = tf.rsqrt(tf.add(sVar, eps));
      const sumDy = channelSum(dy);
      const sumDyXc = tf.sub(channelSum(tf.mul(dy, sx)), tf.mul(sMean, sumDy));
      const a = tf.mul(sg, rstd);
      const bCoef = tf.div(tf.neg(tf.mul(tf.mul(a, tf.square(rstd)), sumDyXc)), n);
      const cCoef = tf.sub(tf.neg(tf.div(tf.mul(a, sumDy), n)), tf.mul(bCoef, sMean));
      const dx = tf.add(tf.mul(dy, a), tf.add(tf.mul(sx, bCoef), cCoef));
      return [dx, tf.mul(sumDyXc, rstd), sumDy];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return { y: op(x, gamma, beta), mean, variance };
}
