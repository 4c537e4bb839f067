import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropFilterPads, forwardConv, type BackpropAttrs } from './conv-geometry';
import { conv2d, cropNegativePads, release, reshape, runWasmKernel, transpose, type Info } from './wasm-kernel-ops';

/**
 * dW of a convolution (missing from the wasm backend). A 1x1, stride-1, unpadded convolution is a matrix product
 * xᵀ·dy. Otherwise it is a forward XNNPACK convolution with the roles swapped: the input transposed to
 * [inC, H, W, batch] (channels become the batch, the batch becomes the reduced channels), the output gradient
 * transposed to [outH, outW, batch, outC] as the filter, stride = the forward dilation, dilation = the forward
 * stride; the [inC, kh, kw, outC] result is transposed back to the filter layout.
 */
export function conv2dBackpropFilterWasm(args: {
  inputs: { x: Info; dy: Info };
  backend: BackendWasm;
  attrs: BackpropAttrs & { filterShape: number[] };
}): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const f = forwardConv(x.shape, attrs.filterShape, attrs, false);
  const { info } = f;
  const [n, h, w, inC] = x.shape;
  const outC = info.outChannels;
  const p = info.padInfo;
  const pointwise =
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    f.strides[0] === 1 &&
    f.strides[1] === 1 &&
    p.top + p.bottom + p.left + p.right === 0;
  if (pointwise) {
    const a = reshape(backend, x, [1, n * h * w, inC]);
    const b = reshape(backend, dy, [1, n * h * w, outC]);
    const prod = runWasmKernel(backend, 'BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
    release(backend, a, b);
    const dw = reshape(backend, prod, [1, 1, inC, outC]);
    release(backend, prod);
    return dw;
  }
  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const { x: input, pads } = cropNegativePads(backend, xT, backpropFilterPads(f));
  release(backend, xT);
  const out = conv2d(backend, input, dyT, { strides: f.dilations, dilations: f.strides, pads });
  release(backend, input, dyT);
  const dw = transpose(backend, out, [1, 2, 0, 3]);
  release(backend, out);
  return dw;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
