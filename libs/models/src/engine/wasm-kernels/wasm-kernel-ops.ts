import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Building blocks for the training kernels we add to the wasm backend. They call the backend's own kernels
 * directly (as its built-in kernels do), so the arithmetic stays inside XNNPACK and nothing is recorded on the
 * gradient tape. Every TensorInfo returned here is owned by the caller and released with {@link release}.
 */
export type Info = tf.TensorInfo;
export type Pads4 = readonly [top: number, bottom: number, left: number, right: number];

export function runWasmKernel(backend: BackendWasm, name: string, inputs: Record<string, Info>, attrs: object = {}): Info {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

export function release(backend: BackendWasm, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A view with another shape; shares the data (the wasm Reshape kernel only counts a reference). */
export function reshape(backend: BackendWasm, x: Info, shape: number[]): Info {
  return runWasmKernel(backend, 'Reshape', { x }, { shape });
}

export function transpose(backend: BackendWasm, x: Info, perm: number[]): Info {
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}

export function sumAxis(backend: BackendWasm, x: Info, axis: number): Info {
  return runWasmKernel(backend, 'Sum', { x }, { axis: [axis], keepDims: false });
}

export interface ConvCall {
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** Non-negative explicit padding. */
  readonly pads: Pads4;
}

function explicit(p: Pads4): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [p[0], p[1]],
    [p[2], p[3]],
    [0, 0],
  ];
}

export function conv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvCall): Info {
  return runWasmKernel(
    backend,
    'Conv2D',
    { x, filter },
    { strides: c.strides, dilations: c.dilations, pad: explicit(c.pads), dataFormat: 'NHWC' },
  );
}

export function depthwiseConv2d(backend: BackendWasm, x: Info, filter: Info, c: ConvCall): Info {
  return runWasmKernel(
    backend,
    'DepthwiseConv2dNative',
    { x, filter },
    { strides: c.strides, dilations: c.dilations, pad: explicit(c.pads) },
  );
}

/**
 * Applies padding that may be negative on the spatial dims of an NHWC tensor: negative sides are cropped here
 * (a Slice copy), the non-negative rest is returned for the convolution to pad implicitly.
 */
export function cropNegativePads(backend: BackendWasm, x: Info, pads: Pads4): { x: Info; pads: Pads4 } {
  const [t, b, l, r] = pads;
  if (t >= 0 && b >= 0 && l >= 0 && r >= 0) return { x: reshape(backend, x, x.shape), pads };
  const [n, h, w, c] = x.shape;
  const begin = [0, Math.max(0, -t), Math.max(0, -l), 0];
  const size = [n, h - begin[1] - Math.max(0, -b), w - begin[2] - Math.max(0, -r), c];
  const cropped = runWasmKernel(backend, 'Slice', { x }, { begin, size });
  return { x: cropped, pads: [Math.max(0, t), Math.max(0, b), Math.max(0, l), Math.max(0, r)] };
}

/**
 * Spreads an NHWC tensor by `strides`, putting zeros between its pixels (and strides-1 zero rows/columns after
 * the last one): the input of a transposed convolution. Built as reshape + pad so the copy runs in wasm.
 */
export function zeroInsert(backend: BackendWasm, x: Info, strides: [number, number]): Info {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return reshape(backend, x, x.shape);
  const [n, h, w, c] = x.shape;
  const six = reshape(backend, x, [n, h, 1, w, 1, c]);
  const padded = runWasmKernel(
    backend,
    'PadV2',
    { x: six },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  release(backend, six);
  const out = reshape(backend, padded, [n, h * sh, w * sw, c]);
  release(backend, padded);
  return out;
}

/**
 * Reverses a filter's spatial taps ([kh, kw, a, b] -> [K-1-kh, K-1-kw, a, b]). Each tap is a contiguous block
 * of a*b values, so this is kh*kw block copies on the heap; the generic Reverse kernel is several times slower.
 */
export function flipTaps(backend: BackendWasm, filter: Info): Info {
  const [kh, kw, a, b] = filter.shape;
  const out = backend.makeOutput(filter.shape.slice(), 'float32');
  // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(filter) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const block = a * b;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * block;
      dst.set(src.subarray(from, from + block), (i * kw + j) * block);
    }
  }
  return out;
}

export function pair(v: number | number[] | undefined | null): [number, number] {
  if (v == null) return [1, 1];
  if (typeof v === 'number') return [v, v];
  return [v[0], v[1] ?? v[0]];
}
