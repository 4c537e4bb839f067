import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardConv, type BackpropAttrs } from './conv-geometry';
import type { Info } from './wasm-kernel-ops';

/**
 * dW of a depthwise convolution (missing from the wasm backend): dW[kh, kw, c, m] = Σ x[n, oh*s + kh*d - pad,
 * ow*s + kw*d - pad, c] · dy[n, oh, ow, c*M + m]. A direct loop over the heap: a depthwise dW is a handful of
 * multiply-adds per activation, memory-bound, and every XNNPACK composition we tried (the input as one image of
 * N*C channels convolved with dy as a filter) paid more in transposes and huge-kernel overhead than this loop
 * costs (~4x slower at mobilenet_v2's shapes). Accumulates in float64.
 */
export function depthwiseBackpropFilterWasm(args: {
  inputs: { x: Info; dy: Info };
  backend: BackendWasm;
  attrs: BackpropAttrs & { filterShape: number[] };
}): Info {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { info, strides, dilations } = forwardConv(x.shape, attrs.filterShape, attrs, true);
  const [kh, kw, inC, mult] = attrs.filterShape;
  const [n, h, w] = x.shape;
  const [, oh, ow, outC] = dy.shape;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(kh * kw * outC);
  const out = backend.makeOutput([kh, kw, inC, mult], 'float32');
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const dyOff = ((b * oh + i) * ow + j) * outC;
        for (let p = 0; p < kh; p++) {
          const xi = i * sh - top + p * dh;
          if (xi < 0 || xi >= h) continue;
          for (let q = 0; q < kw; q++) {
            const xj = j * sw - left + q * dw;
            if (xj < 0 || xj >= w) continue;
            const xOff = ((b * h + xi) * w + xj) * inC;
            const accOff = (p * kw + q) * outC;
            if (mult === 1) {
              for (let c = 0; c < inC; c++) acc[accOff + c] += xv[xOff + c] * dyv[dyOff + c];
            } else {
              for (let c = 0; c < inC; c++) {
                const xc = xv[xOff + c];
                const o = c * mult;
                for (let m = 0; m < mult; m++) acc[accOff + o + m] += xc * dyv[dyOff + o + m];
              }
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
};
