import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropInputPads, forwardConv, type BackpropAttrs } from './conv-geometry';
import { subpixelBackpropInput } from './subpixel-backprop-input';
import { conv2d, cropNegativePads, flipTaps, release, transpose, zeroInsert, type Info } from './wasm-kernel-ops';

/**
 * dx of a convolution as forward XNNPACK convolutions (about 10x faster than the wasm backend's own
 * Conv2DBackpropInput at resnet18's shapes, which is why we replace it): the output gradient convolved, stride
 * 1, with the filter reversed in space and its in/out channels swapped. A strided convolution is split into
 * one convolution per output phase (see subpixelBackpropInput), or, when it is also dilated, done on the
 * zero-spread output gradient.
 */
export function conv2dBackpropInputWasm(args: {
  inputs: { dy: Info; filter: Info };
  backend: BackendWasm;
  attrs: BackpropAttrs & { inputShape: number[] };
}): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const f = forwardConv(attrs.inputShape, filter.shape, attrs, false);
  const swapped = transpose(backend, filter, [0, 1, 3, 2]);
  const strided = f.strides[0] > 1 || f.strides[1] > 1;
  if (strided && f.dilations[0] === 1 && f.dilations[1] === 1) {
    const dx = subpixelBackpropInput(backend, dy, swapped, f, conv2d, filter.shape[2]);
    release(backend, swapped);
    return dx;
  }
  const flipped = flipTaps(backend, swapped);
  release(backend, swapped);
  const spread = zeroInsert(backend, dy, f.strides);
  const { x, pads } = cropNegativePads(backend, spread, backpropInputPads(f));
  release(backend, spread);
  const dx = conv2d(backend, x, flipped, { strides: [1, 1], dilations: f.dilations, pads });
  release(backend, x, flipped);
  return dx;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc,
};
