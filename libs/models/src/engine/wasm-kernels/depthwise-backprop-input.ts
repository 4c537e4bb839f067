import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropInputPads, forwardConv, type BackpropAttrs } from './conv-geometry';
import { subpixelBackpropInput } from './subpixel-backprop-input';
import {
  cropNegativePads,
  depthwiseConv2d,
  flipTaps,
  release,
  reshape,
  sumAxis,
  zeroInsert,
  type Info,
} from './wasm-kernel-ops';

/**
 * dx of a depthwise convolution (missing from the wasm backend): a depthwise XNNPACK convolution of the
 * output gradient (inC*multiplier channels, multiplier 1) with the spatially reversed filter, per output phase
 * when strided (see subpixelBackpropInput); for a channel multiplier > 1, the multiplier's partial sums are added
 * afterwards.
 */
export function depthwiseBackpropInputWasm(args: {
  inputs: { dy: Info; filter: Info };
  backend: BackendWasm;
  attrs: BackpropAttrs & { inputShape: number[] };
}): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const f = forwardConv(attrs.inputShape, filter.shape, attrs, true);
  const [kh, kw, inC, mult] = filter.shape;
  let parts: Info;
  const strided = f.strides[0] > 1 || f.strides[1] > 1;
  if (strided && f.dilations[0] === 1 && f.dilations[1] === 1) {
    const perChannel = reshape(backend, filter, [kh, kw, inC * mult, 1]);
    parts = subpixelBackpropInput(backend, dy, perChannel, f, depthwiseConv2d, inC * mult);
    release(backend, perChannel);
  } else {
    const flipped = flipTaps(backend, filter);
    const perChannel = reshape(backend, flipped, [kh, kw, inC * mult, 1]);
    release(backend, flipped);
    const spread = zeroInsert(backend, dy, f.strides);
    const { x, pads } = cropNegativePads(backend, spread, backpropInputPads(f));
    release(backend, spread);
    parts = depthwiseConv2d(backend, x, perChannel, { strides: [1, 1], dilations: f.dilations, pads });
    release(backend, x, perChannel);
  }
  if (mult === 1) return parts;
  const [n, h, w] = parts.shape;
  const split = reshape(backend, parts, [n, h, w, inC, mult]);
  release(backend, parts);
  const dx = sumAxis(backend, split, 4);
  release(backend, split);
  return dx;
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
};
