import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@dfl/core';
import { registerWasmTrainingKernels, wasmTrainingKernels } from './register-wasm-training-kernels';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface Case {
  x: [number, number, number, number];
  w: [number, number, number, number];
  depthwise: boolean;
  stride: number | [number, number];
  pad: Pad;
}

const TOLERANCE = 1e-4;

function randomArray(rng: SeededRandom, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** Largest absolute difference relative to the largest reference magnitude. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

/** Gradients of sum(conv(x, w) * dy) for x and w, on the active backend. */
function convGrads(c: Case, xv: Float32Array, wv: Float32Array, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const conv = (x: tf.Tensor4D, w: tf.Tensor4D) =>
      c.depthwise ? tf.depthwiseConv2d(x, w, c.stride, c.pad as 'same') : tf.conv2d(x, w, c.stride, c.pad as 'same');
    const x = tf.tensor4d(xv, c.x);
    const w = tf.tensor4d(wv, c.w);
    const yShape = conv(x, w).shape;
    const dy = tf.tensor(randomArray(new SeededRandom(seed), yShape.reduce((a, b) => a * b, 1)), yShape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy)));
    return g([x, w]).map((t) => t.dataSync() as Float32Array);
  });
}

async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

const explicit = (t: number, b: number, l: number, r: number): tf.backend_util.ExplicitPadding => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

const fixedCases: Case[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], depthwise: false, stride: 1, pad: 'same' },
  { x: [2, 8, 9, 3], w: [3, 3, 3, 5], depthwise: false, stride: 2, pad: 'same' },
  { x: [2, 9, 8, 3], w: [3, 2, 3, 5], depthwise: false, stride: 2, pad: 'valid' },
  { x: [1, 9, 9, 4], w: [5, 5, 4, 2], depthwise: false, stride: 2, pad: explicit(1, 2, 2, 0) },
  { x: [1, 11, 11, 3], w: [7, 7, 3, 4], depthwise: false, stride: 2, pad: 3 },
  { x: [2, 6, 6, 3], w: [1, 1, 3, 4], depthwise: false, stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], w: [1, 1, 3, 4], depthwise: false, stride: 2, pad: 'valid' },
  { x: [2, 5, 7, 3], w: [3, 3, 3, 2], depthwise: false, stride: [1, 2], pad: 1 },
  { x: [2, 7, 9, 3], w: [3, 3, 3, 1], depthwise: true, stride: 1, pad: 'same' },
  { x: [2, 8, 9, 3], w: [3, 3, 3, 2], depthwise: true, stride: 2, pad: 'same' },
  { x: [2, 9, 8, 4], w: [5, 5, 4, 1], depthwise: true, stride: 2, pad: 'valid' },
  { x: [1, 9, 9, 4], w: [3, 3, 4, 3], depthwise: true, stride: 1, pad: explicit(1, 2, 2, 0) },
  { x: [3, 10, 10, 5], w: [5, 5, 5, 1], depthwise: true, stride: 2, pad: 2 },
];

function randomCases(rng: SeededRandom, n: number): Case[] {
  const pads: Pad[] = ['same', 'valid'];
  const out: Case[] = [];
  while (out.length < n) {
    const depthwise = rng.next() < 0.5;
    const k = 1 + 2 * rng.int(3); // 1, 3, 5
    const stride = 1 + rng.int(2);
    const h = k + rng.int(7);
    const w = k + rng.int(7);
    const inC = 1 + rng.int(5);
    const outC = depthwise ? 1 + rng.int(3) : 1 + rng.int(6);
    const r = rng.next();
    const pad = r < 0.6 ? pads[rng.int(2)] : r < 0.8 ? rng.int(k) : explicit(rng.int(k), rng.int(k), rng.int(k), rng.int(k));
    out.push({ x: [1 + rng.int(3), h, w, inC], w: [k, k, inC, outC], depthwise, stride, pad });
  }
  return out;
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    tf.env().set('IS_TEST', true); // no "install tfjs-node" banner from the cpu backend
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
  });

  it('supplies the three kernels the wasm backend lacks and replaces its slow Conv2DBackpropInput', () => {
    const names = wasmTrainingKernels.map((k) => k.kernelName).sort();
    expect(names).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]);
    for (const config of wasmTrainingKernels) expect(tf.getKernel(config.kernelName, 'wasm')).toBe(config);
  });

  const cases = [...fixedCases, ...randomCases(new SeededRandom(20261126), 16)];
  it.each(cases.map((c, i) => [i, JSON.stringify(c), c] as const))(
    'case %i %s: dx and dW equal the cpu backend within 1e-4',
    async (i, _label, c) => {
      const rng = new SeededRandom(1000 + i);
      const xv = randomArray(rng, c.x.reduce((a, b) => a * b, 1));
      const wv = randomArray(rng, c.w.reduce((a, b) => a * b, 1));
      const got = await onBackend('wasm', () => convGrads(c, xv, wv, i));
      const want = await onBackend('cpu', () => convGrads(c, xv, wv, i));
      await tf.setBackend('wasm');
      expect(relativeError(got[0], want[0])).toBeLessThan(TOLERANCE);
      expect(relativeError(got[1], want[1])).toBeLessThan(TOLERANCE);
    },
  );

  it('leaves no tensor data behind in the wasm backend', async () => {
    await tf.setBackend('wasm');
    const c = fixedCases[1];
    const rng = new SeededRandom(7);
    const xv = randomArray(rng, c.x.reduce((a, b) => a * b, 1));
    const wv = randomArray(rng, c.w.reduce((a, b) => a * b, 1));
    const before = tf.engine().backend.numDataIds();
    const tensors = tf.memory().numTensors;
    convGrads(c, xv, wv, 1);
    convGrads({ ...fixedCases[9] }, randomArray(rng, 2 * 8 * 9 * 3), randomArray(rng, 3 * 3 * 3 * 2), 2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  /**
   * tfjs's own conv gradients refuse dilation > 1, but the kernels accept it (the native engine and future tfjs
   * may send it). Reference: a dilated convolution is an undilated one with zeros between the filter taps, whose
   * cpu backprop gives dx directly and dW at the non-zero taps.
   */
  describe('with dilation (kernels called directly)', () => {
    const dilate = (w: Float32Array, shape: number[], d: number): { v: Float32Array; shape: number[] } => {
      const [kh, kw, a, b] = shape;
      const eh = (kh - 1) * d + 1;
      const ew = (kw - 1) * d + 1;
      const v = new Float32Array(eh * ew * a * b);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) v.set(w.subarray((i * kw + j) * a * b, (i * kw + j + 1) * a * b), (i * d * ew + j * d) * a * b);
      return { v, shape: [eh, ew, a, b] };
    };
    const taps = (big: Float32Array, shape: number[], d: number): Float32Array => {
      const [kh, kw, a, b] = shape;
      const ew = (kw - 1) * d + 1;
      const out = new Float32Array(kh * kw * a * b);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) out.set(big.subarray((i * d * ew + j * d) * a * b, (i * d * ew + j * d + 1) * a * b), (i * kw + j) * a * b);
      return out;
    };

    it.each([
      [false, [2, 9, 10, 3], [3, 3, 3, 4], 1, 'same', 2],
      [false, [1, 11, 9, 2], [3, 2, 2, 3], 1, 'valid', 3],
      [true, [2, 9, 10, 3], [3, 3, 3, 2], 1, 'same', 2],
      [true, [1, 12, 11, 2], [3, 3, 2, 1], 1, explicit(1, 3, 0, 2), 2],
    ] as const)('depthwise=%s x=%j w=%j stride=%d pad=%j dilation=%d', async (depthwise, xs, ws, stride, pad, d) => {
      const rng = new SeededRandom(d * 31 + xs[1]);
      const x = randomArray(rng, xs.reduce((a: number, b: number) => a * b, 1));
      const w = randomArray(rng, ws.reduce((a: number, b: number) => a * b, 1));
      const big = dilate(w, [...ws], d);
      const ref = await onBackend('cpu', () => {
        const c: Case = { x: [...xs], w: big.shape as Case['w'], depthwise, stride, pad: pad as Pad };
        return convGrads(c, x, big.v, 5);
      });
      const got = await onBackend('wasm', () =>
        tf.tidy(() => {
          const xt = tf.tensor4d(x, [...xs]);
          const wt = tf.tensor4d(w, [...ws]);
          const y = depthwise ? tf.depthwiseConv2d(xt, wt, stride, pad as 'same', 'NHWC', d) : tf.conv2d(xt, wt, stride, pad as 'same', 'NHWC', d);
          const dy = tf.tensor(randomArray(new SeededRandom(5), y.size), y.shape);
          const attrs = { strides: stride, pad, dilations: d, dataFormat: 'NHWC' };
          const dx = tf.engine().runKernel(
            depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput',
            { dy, filter: wt },
            { ...attrs, inputShape: [...xs] } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
          const dw = tf.engine().runKernel(
            depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter',
            { x: xt, dy },
            { ...attrs, filterShape: [...ws] } as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
          return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
        }),
      );
      expect(relativeError(got[0], ref[0])).toBeLessThan(TOLERANCE);
      expect(relativeError(got[1], taps(ref[1], [...ws], d))).toBeLessThan(TOLERANCE);
    });
  });
});
