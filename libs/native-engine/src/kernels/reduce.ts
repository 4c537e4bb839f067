import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs';
import { floats, KernelArgs, KernelContext, output } from './context';

const REDUCE: Record<string, number> = { [tf.Sum]: 0, [tf.Mean]: 1, [tf.Max]: 2, [tf.Min]: 3 };

/**
 * Sum / Mean / Max / Min of float32 tensors over one contiguous run of axes (batch statistics over n,h,w; global
 * pooling over h,w; a softmax over the last axis): x is read in place as [outer][reduced][inner], no transpose.
 */
export function reduceKernels(ctx: KernelContext): tf.KernelConfig[] {
  const reduce = (name: string): tf.KernelFunc => (args: KernelArgs) => {
    const { x } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims?: boolean };
    const xv = floats(args.backend, x);
    const axisAttr = name === tf.Max ? attrs.reductionIndices : attrs.axis;
    const axes = util.parseAxisParam(axisAttr ?? [], x.shape).sort((p, q) => p - q);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && axes.every((a, i) => a === first + i);
    const reducedSize = util.sizeFromShape(axes.map((a) => x.shape[a]));
    if (!xv || !contiguous || reducedSize === 0) return ctx.fallback(name)(args);
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const out = output(args.backend, shape);
    ctx.addon.reduce(REDUCE[name], xv, [outer, reducedSize, inner], out.values);
    return out.info();
  };
  return Object.keys(REDUCE).map((name) => ({ kernelName: name, backendName: ctx.backendName, kernelFunc: reduce(name) }));
}
