import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ForwardConv } from './conv-geometry';
import { cropNegativePads, release, type ConvCall, type Info } from './wasm-kernel-ops';

type Conv = (backend: BackendWasm, x: Info, filter: Info, call: ConvCall) => Info;

interface Phase {
  /** Filter taps of this output phase, in the order the stride-1 convolution visits them. */
  taps: number[];
  /** Padding before / after dy for this phase (may be negative: cropped). */
  before: number;
  after: number;
}

/**
 * One spatial axis of the decomposition: output rows i = q*stride + r (phase r) receive
 * dy[q + c - j] * w[j*stride + t] for t = (r + pad) mod stride, c = (r + pad - t) / stride.
 */
function phases(kernel: number, stride: number, pad: number, outLen: number, phaseLen: number): Phase[] {
  const out: Phase[] = [];
  for (let r = 0; r < stride; r++) {
    const t = (r + pad) % stride;
    const c = (r + pad - t) / stride;
    const n = t < kernel ? Math.ceil((kernel - t) / stride) : 0;
    const taps: number[] = [];
    for (let j = n - 1; j >= 0; j--) taps.push(j * stride + t);
    out.push({ taps, before: n - 1 - c, after: phaseLen + c - outLen });
  }
  return out;
}

/** Gathers the taps of one phase into a [taps_h, taps_w, a, b] filter (block copies on the heap). */
function subFilter(backend: BackendWasm, filter: Info, hTaps: number[], wTaps: number[]): Info {
  const [, kw, a, b] = filter.shape;
  const block = a * b;
  const out = backend.makeOutput([hTaps.length, wTaps.length, a, b], 'float32');
  const src = backend.typedArrayFromHeap(filter) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  let o = 0;
  for (const i of hTaps) {
    for (const j of wTaps) {
      const from = (i * kw + j) * block;
      dst.set(src.subarray(from, from + block), o);
      o += block;
    }
  }
  return out;
}

/**
 * dx of a strided, undilated convolution without the stride's zeros: for each of the stride_h*stride_w output
 * phases a stride-1 convolution of dy with the filter taps that reach that phase (reversed), then the phases
 * interleaved into dx. Same FLOPs as the forward convolution, where convolving the zero-spread dy costs
 * stride² times more. `filter` is in the layout of the dx convolution `conv` (dense: [kh, kw, dy channels,
 * dx channels]; depthwise: [kh, kw, channels, 1]); `outC` is the number of channels `conv` produces.
 */
export function subpixelBackpropInput(backend: BackendWasm, dy: Info, filter: Info, f: ForwardConv, conv: Conv, outC: number): Info {
  const { info } = f;
  const [sh, sw] = f.strides;
  const n = dy.shape[0];
  const ih = info.inHeight;
  const iw = info.inWidth;
  const ph = Math.ceil(ih / sh);
  const pw = Math.ceil(iw / sw);
  const rows = phases(info.filterHeight, sh, info.padInfo.top, info.outHeight, ph);
  const cols = phases(info.filterWidth, sw, info.padInfo.left, info.outWidth, pw);
  const dx = backend.makeOutput([n, ih, iw, outC], 'float32');
  if (rows.some((p) => p.taps.length === 0) || cols.some((p) => p.taps.length === 0)) {
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  }
  for (let rh = 0; rh < sh; rh++) {
    for (let rw = 0; rw < sw; rw++) {
      const r = rows[rh];
      const c = cols[rw];
      if (r.taps.length === 0 || c.taps.length === 0) continue;
      const sub = subFilter(backend, filter, r.taps, c.taps);
      const { x, pads } = cropNegativePads(backend, dy, [r.before, r.after, c.before, c.after]);
      const part = conv(backend, x, sub, { strides: [1, 1], dilations: [1, 1], pads });
      release(backend, x, sub);
      // part is [n, ph, pw, outC]; rows q*sh + rh and columns q*sw + rw of dx that exist receive it.
      const src = backend.typedArrayFromHeap(part) as Float32Array;
      const dst = backend.typedArrayFromHeap(dx) as Float32Array;
      const validH = Math.ceil((ih - rh) / sh);
      const validW = Math.ceil((iw - rw) / sw);
      for (let b = 0; b < n; b++) {
        for (let q = 0; q < validH; q++) {
          const srcRow = ((b * ph + q) * pw) * outC;
          const dstRow = ((b * ih + q * sh + rh) * iw + rw) * outC;
          if (sw === 1) {
            dst.set(src.subarray(srcRow, srcRow + validW * outC), dstRow);
            continue;
          }
          for (let w = 0; w < validW; w++) {
            const s0 = srcRow + w * outC;
            dst.set(src.subarray(s0, s0 + outC), dstRow + w * sw * outC);
          }
        }
      }
      release(backend, part);
    }
  }
  return dx;
}
