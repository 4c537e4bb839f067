import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { activationCode, DFL_FUSED_DEPTHWISE_CONV2D, floats, fusedFallback, KernelArgs, KernelContext, output } from './context';
import { convParams } from './conv-params';

type Shape4 = [number, number, number, number];
type DepthwiseAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * Depthwise convolution as a oneDNN grouped convolution (one group per input channel, `multiplier` outputs each),
 * its fused forms (tfjs' FusedDepthwiseConv2D, and DflFusedDepthwiseConv2D: the same with silu among the
 * activations, inference only) and both gradients.
 */
export function depthwiseKernels(ctx: KernelContext): tf.KernelConfig[] {
  const { addon } = ctx;
  const convInfo = (xShape: Shape4, filterShape: Shape4, attrs: DepthwiseAttrs) =>
    backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations ?? 1, attrs.pad,
      attrs.dimRoundingMode, true, 'channelsLast');

  function forward(args: KernelArgs, fused: boolean, dfl = false): tf.TensorInfo {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as DepthwiseAttrs & { activation?: string; leakyreluAlpha?: number };
    const activation = fused ? activationCode(attrs.activation, dfl) : 0;
    const kernel = fused ? tf.FusedDepthwiseConv2D : tf.DepthwiseConv2dNative;
    const fallback = () => (dfl ? fusedFallback(ctx, kernel, args) : (ctx.fallback(kernel)(args) as tf.TensorInfo));
    if (attrs.dataFormat === 'NCHW' || activation === undefined || preluActivationWeights) return fallback();
    const info = convInfo(x!.shape as Shape4, filter!.shape as Shape4, attrs);
    const params = convParams(info, info.inChannels);
    const xv = floats(args.backend, x);
    const wv = floats(args.backend, filter);
    const bv = bias ? floats(args.backend, bias) : null;
    if (!params || !xv || !wv || (bias && (!bv || bv.length !== info.outChannels))) return fallback();
    const y = output(args.backend, info.outShape);
    addon.convForward(params, activation, attrs.leakyreluAlpha ?? 0.2, xv, wv, bv, y.values);
    return y.info();
  }

  const backpropInput: tf.KernelFunc = (args) => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: Shape4 };
    const info = convInfo(attrs.inputShape, filter.shape as Shape4, attrs);
    const params = convParams(info, info.inChannels);
    const dyv = floats(args.backend, dy);
    const wv = floats(args.backend, filter);
    if (!params || !dyv || !wv) return ctx.fallback(tf.DepthwiseConv2dNativeBackpropInput)(args);
    const dx = output(args.backend, attrs.inputShape);
    addon.convBackwardData(params, dyv, wv, dx.values);
    return dx.info();
  };

  const backpropFilter: tf.KernelFunc = (args) => {
    const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: Shape4 };
    const info = convInfo(x.shape as Shape4, attrs.filterShape, attrs);
    const params = convParams(info, info.inChannels);
    const xv = floats(args.backend, x);
    const dyv = floats(args.backend, dy);
    if (!params || !xv || !dyv) return ctx.fallback(tf.DepthwiseConv2dNativeBackpropFilter)(args);
    const dw = output(args.backend, attrs.filterShape);
    // Multiplier 1 (every depthwise layer in the zoo): our own kernel, several times oneDNN's for 5x5 filters.
    const own = attrs.filterShape[3] === 1 && addon.depthwiseBackwardWeights(params, xv, dyv, dw.values);
    if (!own) addon.convBackwardWeights(params, xv, dyv, dw.values);
    return dw.info();
  };

  return [
    { kernelName: tf.DepthwiseConv2dNative, backendName: ctx.backendName, kernelFunc: (args) => forward(args, false) },
    { kernelName: tf.FusedDepthwiseConv2D, backendName: ctx.backendName, kernelFunc: (args) => forward(args, true) },
    { kernelName: DFL_FUSED_DEPTHWISE_CONV2D, backendName: ctx.backendName, kernelFunc: (args) => forward(args, true, true) },
    { kernelName: tf.DepthwiseConv2dNativeBackpropInput, backendName: ctx.backendName, kernelFunc: backpropInput },
    { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, backendName: ctx.backendName, kernelFunc: backpropFilter },
  ];
}
