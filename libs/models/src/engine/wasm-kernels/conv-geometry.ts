import * as tf from '@tensorflow/tfjs';
import { pair, type Pads4 } from './wasm-kernel-ops';

/** What the backward kernels need to know about the forward convolution they differentiate. */
export interface ForwardConv {
  readonly info: tf.backend_util.Conv2DInfo;
  readonly strides: [number, number];
  readonly dilations: [number, number];
}

export interface BackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
}

export function forwardConv(
  xShape: number[],
  filterShape: number[],
  attrs: BackpropAttrs,
  depthwise: boolean,
): ForwardConv {
  if (attrs.dataFormat === 'NCHW') throw new Error('the wasm backend supports NHWC convolutions only');
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  return { info, strides, dilations };
}

/**
 * Padding of the stride-1 convolution over the zero-inserted output gradient (`outHeight * stride` rows) that
 * yields the input gradient: dx[i] = sum_k up[i + padTop - k*dilation] w[k]. May be negative (then cropped).
 */
export function backpropInputPads(f: ForwardConv): Pads4 {
  const { info } = f;
  const [sh, sw] = f.strides;
  const [dh, dw] = f.dilations;
  const p = info.padInfo;
  return [
    (info.filterHeight - 1) * dh - p.top,
    info.inHeight + p.top - info.outHeight * sh,
    (info.filterWidth - 1) * dw - p.left,
    info.inWidth + p.left - info.outWidth * sw,
  ];
}

/**
 * Padding of the convolution of the (transposed) input with the output gradient as a filter that yields exactly
 * filterHeight x filterWidth outputs: dw[k] = sum_o x[k*dilation + o*stride - padTop] dy[o].
 */
export function backpropFilterPads(f: ForwardConv): Pads4 {
  const { info } = f;
  const [sh, sw] = f.strides;
  const [dh, dw] = f.dilations;
  const p = info.padInfo;
  return [
    p.top,
    (info.filterHeight - 1) * dh + (info.outHeight - 1) * sh + 1 - info.inHeight - p.top,
    p.left,
    (info.filterWidth - 1) * dw + (info.outWidth - 1) * sw + 1 - info.inWidth - p.left,
  ];
}
