import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs';
import { floats, KernelContext, output } from './context';
import { overrideGradient } from './override-gradient';

/** Kernel name of the fused multiply-and-sum; it exists on the `native` backend only. */
export const MULTIPLY_SUM = 'DflMultiplySum';

const contiguous = (axes: number[]) => axes.length > 0 && axes.every((a, i) => a === axes[0] + i);

/**
 * DflMultiplySum(a, b; axes) -> Σ over `axes` (one contiguous run, sorted) of a * b, for a and b of one shape; the
 * summed axes are dropped. One pass over a and b, where tf.sum(tf.mul(a, b), axes) writes and rereads the product.
 */
export function multiplySumKernels(ctx: KernelContext): tf.KernelConfig[] {
  return [
    {
      kernelName: MULTIPLY_SUM,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { a, b } = inputs as Record<string, tf.TensorInfo>;
        const axes = (attrs as unknown as { axes: number[] }).axes;
        const av = floats(backend, a);
        const bv = floats(backend, b);
        if (!av || !bv || !util.arraysEqual(a.shape, b.shape) || !contiguous(axes) || axes[axes.length - 1] >= a.shape.length) {
          throw new Error(`${MULTIPLY_SUM} needs float32 a and b of one shape and one contiguous run of their axes`);
        }
        const first = axes[0];
        const last = axes[axes.length - 1];
        const dims: [number, number, number] = [
          util.sizeFromShape(a.shape.slice(0, first)),
          util.sizeFromShape(a.shape.slice(first, last + 1)),
          util.sizeFromShape(a.shape.slice(last + 1)),
        ];
        const out = output(backend, a.shape.filter((_, i) => i < first || i > last));
        ctx.addon.multiplySum(av, bv, dims, out.values);
        return out.info();
      },
    },
  ];
}

/** DflMultiplySum's own gradient (second-order derivatives): g broadcast back over the summed axes, times the other. */
const multiplySumGradient: tf.GradConfig = {
  kernelName: MULTIPLY_SUM,
  inputsToSave: ['a', 'b'],
  gradFunc: (g, [a, b], attrs) => {
    const axes = (attrs as unknown as { axes: number[] }).axes;
    const expanded = () => tf.reshape(g as tf.Tensor, backend_util.expandShapeToKeepDim((g as tf.Tensor).shape, axes));
    return { a: () => tf.mul(expanded(), b), b: () => tf.mul(expanded(), a) };
  },
};

/**
 * Multiply's gradient while `backendName` is active, when exactly one operand was broadcast over one contiguous run
 * of axes and the other has the output's shape (the squeeze-excite gate x * scale, scale [N,1,1,C]): the broadcast
 * operand's gradient Σ dy * other in one DflMultiplySum pass instead of a full-size product and a Sum. The other
 * operand's gradient is tfjs' own dy * broadcast operand; every other case keeps tfjs' gradient. Idempotent.
 */
export function registerMultiplyGradient(backendName: string): void {
  if (!tf.getGradient(MULTIPLY_SUM)) tf.registerGradient(multiplySumGradient);
  overrideGradient(tf.Multiply, backendName, (dy, [a, b]) => {
    if (dy.dtype !== 'float32' || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const axesA = backend_util.getReductionAxes(a.shape, dy.shape);
    const axesB = backend_util.getReductionAxes(b.shape, dy.shape);
    if (axesA.length > 0 === axesB.length > 0) return null;
    const [full, small, axes] = axesB.length > 0 ? [a, b, axesB] : [b, a, axesA];
    if (!contiguous(axes) || !util.arraysEqual(full.shape, dy.shape)) return null;
    const smallGrad = () =>
      tf.reshape(tf.engine().runKernel(MULTIPLY_SUM, { a: dy, b: full }, { axes }) as tf.Tensor, small.shape);
    const fullGrad = () => tf.mul(dy, small);
    return full === a ? { a: fullGrad, b: smallGrad } : { a: smallGrad, b: fullGrad };
  });
}
