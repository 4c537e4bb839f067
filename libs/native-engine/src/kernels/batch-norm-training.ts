import * as tf from '@tensorflow/tfjs';
import { floats, KernelContext, output } from './context';

/** Kernel names of the two training-BatchNorm kernels; they exist on the `native` backend only. */
export const BATCH_NORM_STATS = 'DflBatchNormStats';
export const BATCH_NORM_GRAD = 'DflBatchNormGrad';

/**
 * DflBatchNormStats(x) -> [mean, variance] per channel (last axis, biased variance), one pass;
 * DflBatchNormGrad(dy, x, gamma, mean, variance; epsilon) -> [dx, dgamma, dbeta], two passes.
 */
export function batchNormTrainingKernels(ctx: KernelContext): tf.KernelConfig[] {
  const channelsOf = (x: tf.TensorInfo) => x.shape[x.shape.length - 1];
  const unsupported = (name: string) => new Error(`${name} needs float32 NHWC-like inputs with per-channel [C] terms`);
  return [
    {
      kernelName: BATCH_NORM_STATS,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { x } = inputs as Record<string, tf.TensorInfo>;
        const xv = floats(backend, x);
        if (!xv || x.shape.length < 1) throw unsupported(BATCH_NORM_STATS);
        const c = channelsOf(x);
        const mean = output(backend, [c]);
        const variance = output(backend, [c]);
        ctx.addon.batchNormStats(xv, c, mean.values, variance.values);
        return [mean.info(), variance.info()];
      },
    },
    {
      kernelName: BATCH_NORM_GRAD,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, x, gamma, mean, variance } = inputs as Record<string, tf.TensorInfo>;
        const values = [dy, x, gamma, mean, variance].map((t) => floats(backend, t));
        if (values.some((v) => !v)) throw unsupported(BATCH_NORM_GRAD);
        const [dyv, xv, gv, mv, vv] = values as Float32Array[];
        const c = channelsOf(x);
        const dx = output(backend, x.shape);
        const dgamma = output(backend, [c]);
        const dbeta = output(backend, [c]);
        ctx.addon.batchNormGrad(dyv, xv, c, gv, mv, vv, (attrs as { epsilon: number }).epsilon, dx.values, dgamma.values, dbeta.values);
        return [dx.info(), dgamma.info(), dbeta.info()];
      },
    },
  ];
}

export interface NativeBatchNormTrainingResult {
  /** (x - mean) / sqrt(variance + eps) * gamma + beta, with the batch statistics. */
  readonly y: tf.Tensor;
  /** Batch mean per channel (no gradient flows through it: for the running statistics). */
  readonly mean: tf.Tensor1D;
  /** Biased batch variance per channel. */
  readonly variance: tf.Tensor1D;
}

/**
 * Training-mode BatchNorm over the channels (last axis) on the `native` backend: statistics in one pass, the
 * gradient for x, gamma and beta in two. The same contract as @dfl/models' batchNormTraining; call it only while
 * tf.getBackend() === 'native'.
 */
export function nativeBatchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): NativeBatchNormTrainingResult {
  const [mean, variance] = tf.engine().runKernel(BATCH_NORM_STATS, { x }, {}) as unknown as [tf.Tensor1D, tf.Tensor1D];
  const op = tf.customGrad(((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xs, g, mean, variance]);
    const value = tf.batchNorm(xs, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, eps);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sg, sMean, sVar] = saved;
      return tf.engine().runKernel(BATCH_NORM_GRAD, { dy, x: sx, gamma: sg, mean: sMean, variance: sVar }, { epsilon: eps }) as unknown as tf.Tensor[];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return { y: op(x, gamma, beta), mean, variance };
}
