import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs';
import { activationCode, floats, KernelArgs, KernelContext, output } from './context';

/** BatchMatMul and _FusedMatMul (bias + activation) on oneDNN's matmul; transposes are strides. */
export function matmulKernels(ctx: KernelContext): tf.KernelConfig[] {
  function run(args: KernelArgs, fused: boolean): tf.TensorInfo {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as {
      transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number;
    };
    const kernel = fused ? tf._FusedMatMul : tf.BatchMatMul;
    const activation = fused ? activationCode(attrs.activation) : 0;
    const fallback = () => ctx.fallback(kernel)(args) as tf.TensorInfo;
    if (activation === undefined || preluActivationWeights || a!.shape.length < 2 || b!.shape.length < 2) {
      return fallback();
    }
    const ra = a!.shape.length;
    const rb = b!.shape.length;
    const m = attrs.transposeA ? a!.shape[ra - 1] : a!.shape[ra - 2];
    const k = attrs.transposeA ? a!.shape[ra - 2] : a!.shape[ra - 1];
    const kb = attrs.transposeB ? b!.shape[rb - 1] : b!.shape[rb - 2];
    const n = attrs.transposeB ? b!.shape[rb - 2] : b!.shape[rb - 1];
    const batchA = util.sizeFromShape(a!.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b!.shape.slice(0, -2));
    if (k !== kb) return fallback(); // let tfjs raise its own error
    const outer = backend_util.assertAndGetBroadcastShape(a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    const batch = util.sizeFromShape(outer);
    if (!(batchA === batchB || batchA === 1 || batchB === 1) || batch !== Math.max(batchA, batchB)) return fallback();
    const av = floats(args.backend, a);
    const bv = floats(args.backend, b);
    const biasv = bias ? floats(args.backend, bias) : null;
    if (!av || !bv || (bias && (!biasv || biasv.length !== n))) return fallback();
    const c = output(args.backend, [...outer, m, n]);
    const params = [batchA, batchB, m, k, n, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0];
    ctx.addon.matmul(params, activation, attrs.leakyreluAlpha ?? 0.2, av, bv, biasv, c.values);
    return c.info();
  }

  return [
    { kernelName: tf.BatchMatMul, backendName: ctx.backendName, kernelFunc: (args) => run(args, false) },
    { kernelName: tf._FusedMatMul, backendName: ctx.backendName, kernelFunc: (args) => run(args, true) },
  ];
}
