import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { activationCode, DFL_FUSED_CONV2D, floats, fusedFallback, KernelArgs, KernelContext, output } from './context';
import { convParams } from './conv-params';

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * Conv2D, FusedConv2D (bias + activation inside the oneDNN primitive), DflFusedConv2D (FusedConv2D's inputs and
 * attributes, with silu among the activations; inference only, no gradient) and both Conv2D gradients.
 */
export function conv2dKernels(ctx: KernelContext): tf.KernelConfig[] {
  const { addon } = ctx;

  function forward(args: KernelArgs, fused: boolean, dfl = false): tf.TensorInfo {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as ConvAttrs & { activation?: string; leakyreluAlpha?: number };
    const activation = fused ? activationCode(attrs.activation, dfl) : 0;
    const fallback = () =>
      dfl ? fusedFallback(ctx, tf.FusedConv2D, args) : (ctx.fallback(fused ? tf.FusedConv2D : tf.Conv2D)(args) as tf.TensorInfo);
    if (attrs.dataFormat === 'NCHW' || activation === undefined || preluActivationWeights) return fallback();
    const info = backend_util.computeConv2DInfo(
      x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number],
      attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const params = convParams(info, 1);
    const xv = floats(args.backend, x);
    const wv = floats(args.backend, filter);
    const bv = bias ? floats(args.backend, bias) : null;
    if (!params || !xv || !wv || (bias && (!bv || bv.length !== info.outChannels))) return fallback();
    const y = output(args.backend, info.outShape);
    addon.convForward(params, activation, attrs.leakyreluAlpha ?? 0.2, xv, wv, bv, y.values);
    return y.info();
  }

  const conv2d: tf.KernelFunc = (args) => forward(args, false);
  const fusedConv2d: tf.KernelFunc = (args) => forward(args, true);

  const backpropInput: tf.KernelFunc = (args) => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    if (attrs.dataFormat === 'NCHW') return ctx.fallback(tf.Conv2DBackpropInput)(args);
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad,
      attrs.dimRoundingMode, false, 'channelsLast');
    const params = convParams(info, 1);
    const dyv = floats(args.backend, dy);
    const wv = floats(args.backend, filter);
    if (!params || !dyv || !wv) return ctx.fallback(tf.Conv2DBackpropInput)(args);
    const dx = output(args.backend, attrs.inputShape);
    addon.convBackwardData(params, dyv, wv, dx.values);
    return dx.info();
  };

  const backpropFilter: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    if (attrs.dataFormat === 'NCHW') return ctx.fallback(tf.Conv2DBackpropFilter)(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
      attrs.dimRoundingMode, false, 'channelsLast');
    const params = convParams(info, 1);
    const xv = floats(args.backend, x);
    const dyv = floats(args.backend, dy);
    if (!params || !xv || !dyv) return ctx.fallback(tf.Conv2DBackpropFilter)(args);
    const dw = output(args.backend, attrs.filterShape);
    addon.convBackwardWeights(params, xv, dyv, dw.values);
    return dw.info();
  };

  return [
    { kernelName: tf.Conv2D, backendName: ctx.backendName, kernelFunc: conv2d },
    { kernelName: tf.FusedConv2D, backendName: ctx.backendName, kernelFunc: fusedConv2d },
    { kernelName: DFL_FUSED_CONV2D, backendName: ctx.backendName, kernelFunc: (args) => forward(args, true, true) },
    { kernelName: tf.Conv2DBackpropInput, backendName: ctx.backendName, kernelFunc: backpropInput },
    { kernelName: tf.Conv2DBackpropFilter, backendName: ctx.backendName, kernelFunc: backpropFilter },
  ];
}
