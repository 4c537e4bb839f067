import * as tf from '@tensorflow/tfjs';
import { floats, KernelContext, output } from './context';

/**
 * Kernel names of the one-pass optimizer updates; they exist on the `native` backend only. `@dfl/training`'s
 * AdamStep / SgdStep look them up by name (that library never imports this package).
 */
export const ADAM_UPDATE = 'DflAdamUpdate';
export const SGD_MOMENTUM_UPDATE = 'DflSgdMomentumUpdate';

/** DflAdamUpdate's attributes: torch.optim.Adam / AdamW's settings and this step's lr and bias corrections. */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** true: AdamW's decay of p by lr * weightDecay; false: weightDecay * p added to the gradient (L2). */
  decoupled: boolean;
  lr: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  bc1: number;
  bc2: number;
}

/** DflSgdMomentumUpdate's attributes (torch.optim.SGD, dampening 0, a momentum buffer that already exists). */
export interface SgdMomentumUpdateAttrs {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  lr: number;
}

function float32Of(backend: unknown, name: string, kernel: string, t: tf.TensorInfo | undefined, size?: number): Float32Array {
  const v = floats(backend, t);
  if (!v || (size !== undefined && v.length !== size)) throw new Error(`${kernel} needs float32 ${name} of p's shape`);
  return v;
}

/**
 * DflAdamUpdate(p, g, m, v) -> [p', m', v'] and DflSgdMomentumUpdate(p, g, buffer) -> [p', buffer']: one pass
 * over each variable instead of ~10 (Adam) or ~4 (SGD) full-size tfjs ops, with the same float32 operations in
 * the same order as the composites in `@dfl/training` (native/optimizer.cc), so cpu's results are reproduced.
 */
export function optimizerKernels(ctx: KernelContext): tf.KernelConfig[] {
  // An addon built before these kernels existed lacks them: then AdamStep / SgdStep keep their composites.
  if (typeof ctx.addon.adamUpdate !== 'function' || typeof ctx.addon.sgdMomentumUpdate !== 'function') return [];
  return [
    {
      kernelName: ADAM_UPDATE,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { p, g, m, v } = inputs as Record<string, tf.TensorInfo>;
        const a = attrs as unknown as AdamUpdateAttrs;
        const pv = float32Of(backend, 'p', ADAM_UPDATE, p);
        const n = pv.length;
        const gv = float32Of(backend, 'g', ADAM_UPDATE, g, n);
        const mv = float32Of(backend, 'm', ADAM_UPDATE, m, n);
        const vv = float32Of(backend, 'v', ADAM_UPDATE, v, n);
        // Each derived scalar is computed in double, as the composite computes it in JS, then rounded to float32.
        const scalars = Float32Array.of(
          a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, a.weightDecay, a.bc2, a.lr / a.bc1, a.lr * a.weightDecay);
        const mode = a.weightDecay > 0 ? (a.decoupled ? 2 : 1) : 0;
        const pOut = output(backend, p.shape);
        const mOut = output(backend, p.shape);
        const vOut = output(backend, p.shape);
        ctx.addon.adamUpdate(scalars, mode, pv, gv, mv, vv, pOut.values, mOut.values, vOut.values);
        return [pOut.info(), mOut.info(), vOut.info()];
      },
    },
    {
      kernelName: SGD_MOMENTUM_UPDATE,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { p, g, buffer } = inputs as Record<string, tf.TensorInfo>;
        const a = attrs as unknown as SgdMomentumUpdateAttrs;
        const pv = float32Of(backend, 'p', SGD_MOMENTUM_UPDATE, p);
        const n = pv.length;
        const gv = float32Of(backend, 'g', SGD_MOMENTUM_UPDATE, g, n);
        const bv = float32Of(backend, 'buffer', SGD_MOMENTUM_UPDATE, buffer, n);
        const flags = (a.weightDecay > 0 ? 1 : 0) | (a.nesterov ? 2 : 0);
        const pOut = output(backend, p.shape);
        const bOut = output(backend, p.shape);
        ctx.addon.sgdMomentumUpdate(a.momentum, a.weightDecay, a.lr, flags, pv, gv, bv, pOut.values, bOut.values);
        return [pOut.info(), bOut.info()];
      },
    },
  ];
}
