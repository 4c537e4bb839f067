import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs';
import { CpuStorageBackend, floats, KernelArgs, KernelContext, output } from './context';

// Codes shared with native/elementwise.cc.
const BINARY: Record<string, number> = {
  [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3, [tf.Maximum]: 4, [tf.Minimum]: 5,
  [tf.SquaredDifference]: 6,
};
/** Comparisons of float32 tensors, giving tfjs bools (a Uint8Array): Relu6's gradient is built on LessEqual. */
const COMPARE: Record<string, number> = {
  [tf.Less]: 7, [tf.LessEqual]: 8, [tf.Greater]: 9, [tf.GreaterEqual]: 10, [tf.Equal]: 11, [tf.NotEqual]: 12,
};
const UNARY: Record<string, number> = {
  [tf.Relu]: 0, [tf.Relu6]: 1, [tf.Step]: 2, [tf.Sqrt]: 3, [tf.Square]: 4, [tf.Rsqrt]: 5, [tf.Neg]: 6, [tf.Exp]: 7,
  [tf.Log]: 8, [tf.Sigmoid]: 9, [tf.Tanh]: 10, [tf.Abs]: 11, [tf.Reciprocal]: 12, [tf.LeakyRelu]: 13, [tf.Elu]: 14,
  [tf.ClipByValue]: 15,
};

/**
 * The float32 element-wise kernels a training step is full of (BatchNorm's arithmetic and gradient, activations,
 * the optimizer's update), with numpy broadcasting. Other dtypes fall back to the cpu kernels.
 */
export function elementwiseKernels(ctx: KernelContext): tf.KernelConfig[] {
  const binary = (name: string): tf.KernelFunc => (args: KernelArgs) => {
    const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
    const av = floats(args.backend, a);
    const bv = floats(args.backend, b);
    if (!av || !bv) return ctx.fallback(name)(args);
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (name in COMPARE) {
      const bools = new Uint8Array(util.sizeFromShape(shape));
      ctx.addon.binary(COMPARE[name], av, a.shape, bv, b.shape, bools, shape);
      return (args.backend as unknown as CpuStorageBackend).makeTensorInfo(shape, 'bool', bools);
    }
    const out = output(args.backend, shape);
    ctx.addon.binary(BINARY[name], av, a.shape, bv, b.shape, out.values, shape);
    return out.info();
  };

  const unary = (name: string): tf.KernelFunc => (args: KernelArgs) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const xv = floats(args.backend, x);
    if (!xv) return ctx.fallback(name)(args);
    const attrs = (args.attrs ?? {}) as { alpha?: number; clipValueMin?: number; clipValueMax?: number };
    const out = output(args.backend, x.shape);
    const [alpha, beta] = name === tf.ClipByValue ? [attrs.clipValueMin!, attrs.clipValueMax!] : [attrs.alpha ?? 0, 0];
    ctx.addon.unary(UNARY[name], alpha, beta, xv, out.values);
    return out.info();
  };

  return [
    ...[...Object.keys(BINARY), ...Object.keys(COMPARE)].map((name) => ({
      kernelName: name, backendName: ctx.backendName, kernelFunc: binary(name),
    })),
    ...Object.keys(UNARY).map((name) => ({ kernelName: name, backendName: ctx.backendName, kernelFunc: unary(name) })),
    { kernelName: tf.AddN, backendName: ctx.backendName, kernelFunc: addN(ctx) },
    { kernelName: tf.Tile, backendName: ctx.backendName, kernelFunc: tile(ctx) },
    { kernelName: tf.FusedBatchNorm, backendName: ctx.backendName, kernelFunc: batchNorm(ctx) },
  ];
}

function addN(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const tensors = args.inputs as unknown as tf.TensorInfo[];
    const values = tensors.map((t) => floats(args.backend, t));
    const shape = tensors[0]?.shape;
    if (!shape || values.some((v) => !v) || tensors.some((t) => !util.arraysEqual(t.shape, shape))) {
      return ctx.fallback(tf.AddN)(args);
    }
    const out = output(args.backend, shape);
    ctx.addon.addN(values as Float32Array[], out.values);
    return out.info();
  };
}

function tile(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const { reps } = args.attrs as unknown as { reps: number[] };
    const xv = floats(args.backend, x);
    if (!xv || x.shape.length === 0 || reps.length !== x.shape.length) return ctx.fallback(tf.Tile)(args);
    const out = output(args.backend, x.shape.map((d, i) => d * reps[i]));
    ctx.addon.tile(xv, x.shape, reps, out.values);
    return out.info();
  };
}

function batchNorm(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { varianceEpsilon } = (args.attrs ?? {}) as { varianceEpsilon?: number };
    const channels = x!.shape[x!.shape.length - 1] ?? 1;
    const perChannel = (t: tf.TensorInfo | undefined) => {
      const v = floats(args.backend, t);
      return v && v.length === channels ? v : null;
    };
    const [xv, mv, vv] = [floats(args.backend, x), perChannel(mean), perChannel(variance)];
    const ov = offset ? perChannel(offset) : null;
    const sv = scale ? perChannel(scale) : null;
    if (!xv || !mv || !vv || (offset && !ov) || (scale && !sv) || x!.shape.length === 0) {
      return ctx.fallback(tf.FusedBatchNorm)(args);
    }
    const out = output(args.backend, x!.shape);
    ctx.addon.batchNorm(xv, channels, mv, vv, ov, sv, varianceEpsilon ?? 0.001, out.values);
    return out.info();
  };
}
