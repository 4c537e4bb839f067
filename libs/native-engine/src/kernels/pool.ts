import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { floats, KernelArgs, KernelContext, output } from './context';
import { poolParams } from './conv-params';

type Shape4 = [number, number, number, number];
type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

const MAX = 0;
const AVG = 1;

/** MaxPool, AvgPool and their gradients (the max gradient recomputes the argmax inside oneDNN). */
export function poolKernels(ctx: KernelContext): tf.KernelConfig[] {
  const poolInfo = (shape: Shape4, attrs: PoolAttrs) =>
    backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

  function forward(args: KernelArgs, algorithm: number, kernel: string): tf.TensorInfo {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const info = poolInfo(x.shape as Shape4, args.attrs as unknown as PoolAttrs);
    const params = poolParams(info);
    const xv = floats(args.backend, x);
    if (!params || !xv) return ctx.fallback(kernel)(args) as tf.TensorInfo;
    const y = output(args.backend, info.outShape);
    ctx.addon.poolForward(params, algorithm, xv, y.values);
    return y.info();
  }

  const maxPoolGrad: tf.KernelFunc = (args) => {
    const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
    const info = poolInfo(input.shape as Shape4, args.attrs as unknown as PoolAttrs);
    const params = poolParams(info);
    const xv = floats(args.backend, input);
    const dyv = floats(args.backend, dy);
    if (!params || !xv || !dyv) return ctx.fallback(tf.MaxPoolGrad)(args);
    const dx = output(args.backend, input.shape);
    ctx.addon.maxPoolBackward(params, xv, dyv, dx.values);
    return dx.info();
  };

  const avgPoolGrad: tf.KernelFunc = (args) => {
    const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
    const info = poolInfo(input.shape as Shape4, args.attrs as unknown as PoolAttrs);
    const params = poolParams(info);
    const dyv = floats(args.backend, dy);
    if (!params || !dyv) return ctx.fallback(tf.AvgPoolGrad)(args);
    const dx = output(args.backend, input.shape);
    ctx.addon.avgPoolBackward(params, dyv, dx.values);
    return dx.info();
  };

  return [
    { kernelName: tf.MaxPool, backendName: ctx.backendName, kernelFunc: (args) => forward(args, MAX, tf.MaxPool) },
    { kernelName: tf.AvgPool, backendName: ctx.backendName, kernelFunc: (args) => forward(args, AVG, tf.AvgPool) },
    { kernelName: tf.MaxPoolGrad, backendName: ctx.backendName, kernelFunc: maxPoolGrad },
    { kernelName: tf.AvgPoolGrad, backendName: ctx.backendName, kernelFunc: avgPoolGrad },
  ];
}
