import * as tf from '@tensorflow/tfjs';
import { floats, KernelContext, output } from './context';

/** Kernel names of the two training-BatchNorm kernels; they exist on the `native` backend only. */
export const BATCH_NORM_STATS = 'DflBatchNormStats';
export const BATCH_NORM_GRAD = 'DflBatchNormGrad';
/** Kernel name of BatchNorm followed by an activation in one pass; `native` backend only. */
export const BATCH_NORM_ACT = 'DflBatchNormAct';

/** The activations nativeBatchNormTraining can fuse, with the addon's codes (tfjs' fused-activation codes + silu). */
const ACTIVATION_CODES = { relu: 1, relu6: 2, silu: 6 } as const;
export type BatchNormActivation = keyof typeof ACTIVATION_CODES;

/**
 * DflBatchNormStats(x) -> [mean, variance] per channel (last axis, biased variance), one pass;
 * DflBatchNormAct(x, mean, variance, gamma, beta; epsilon, activation) -> activation(BatchNorm(x)), one pass;
 * DflBatchNormGrad(dy, x, gamma, mean, variance[, beta]; epsilon[, activation]) -> [dx, dgamma, dbeta], two passes;
 * with an activation (the addon's code), dy is the gradient at the activation's output and beta is needed.
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
      kernelName: BATCH_NORM_ACT,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, mean, variance, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
        const values = [x, mean, variance, gamma, beta].map((t) => floats(backend, t));
        if (values.some((v) => !v)) throw unsupported(BATCH_NORM_ACT);
        const [xv, mv, vv, gv, bv] = values as Float32Array[];
        const { epsilon, activation } = attrs as { epsilon: number; activation: number };
        const y = output(backend, x.shape);
        ctx.addon.batchNormAct(xv, channelsOf(x), mv, vv, gv, bv, epsilon, activation, y.values);
        return y.info();
      },
    },
    {
      kernelName: BATCH_NORM_GRAD,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, x, gamma, mean, variance, beta } = inputs as Record<string, tf.TensorInfo | undefined>;
        const { epsilon, activation = 0 } = attrs as { epsilon: number; activation?: number };
        const values = [dy, x, gamma, mean, variance, ...(activation ? [beta] : [])].map((t) => floats(backend, t));
        if (values.some((v) => !v)) throw unsupported(BATCH_NORM_GRAD);
        const [dyv, xv, gv, mv, vv, bv] = values as Float32Array[];
        const c = channelsOf(x!);
        const dx = output(backend, x!.shape);
        const dgamma = output(backend, [c]);
        const dbeta = output(backend, [c]);
        ctx.addon.batchNormGrad(dyv, xv, c, gv, mv, vv, epsilon, dx.values, dgamma.values, dbeta.values, activation, bv ?? null);
        return [dx.info(), dgamma.info(), dbeta.info()];
      },
    },
  ];
}

export interface NativeBatchNormTrainingResult {
  /** (x - mean) / sqrt(variance + eps) * gamma + beta, with the batch statistics; then `activation`, when given. */
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
 *
 * `activation` (relu, relu6, silu) is applied in the same pass, and its gradient is taken inside the BatchNorm
 * gradient's two passes from a recomputed normalized value: a conv-BatchNorm-activation block then makes 4 full-size
 * passes fewer per step (the normalized tensor is neither written nor saved, nor its gradient).
 */
export function nativeBatchNormTraining(
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, activation?: BatchNormActivation,
): NativeBatchNormTrainingResult {
  const code = activation === undefined ? 0 : ACTIVATION_CODES[activation];
  if (code === undefined) {
    throw new Error(`nativeBatchNormTraining: unknown activation '${activation}' (${Object.keys(ACTIVATION_CODES).join(', ')})`);
  }
  const [mean, variance] = tf.engine().runKernel(BATCH_NORM_STATS, { x }, {}) as unknown as [tf.Tensor1D, tf.Tensor1D];
  const op = tf.customGrad(((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save(code ? [xs, g, mean, variance, b] : [xs, g, mean, variance]);
    const value = code
      ? (tf.engine().runKernel(BATCH_NORM_ACT, { x: xs, mean, variance, gamma: g, beta: b }, { epsilon: eps, activation: code }) as tf.Tensor)
      : tf.batchNorm(xs, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, eps);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sg, sMean, sVar, sBeta] = saved;
      const inputs = { dy, x: sx, gamma: sg, mean: sMean, variance: sVar, ...(code ? { beta: sBeta } : {}) };
      return tf.engine().runKernel(BATCH_NORM_GRAD, inputs, { epsilon: eps, activation: code }) as unknown as tf.Tensor[];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return { y: op(x, gamma, beta), mean, variance };
}
