import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, runOn, TOLERANCE } from '../testing/compare';
import { DFL_FUSED_CONV2D, DFL_FUSED_DEPTHWISE_CONV2D } from './context';
import { SILU } from './silu';

const composite = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));
const native = (x: tf.Tensor) => tf.engine().runKernel(SILU, { x }, {}) as tf.Tensor;

/** N(0, 4) with the far tails (exp overflows in float32 beyond ~88), zeros and NaN mixed in. */
function awkward(shape: number[]): { shape: number[]; values: Float32Array } {
  const input = randomInput(shape, 4);
  const special = [100, -100, 89, -89, 1e4, -1e4, 0, -0, NaN, 1e-30];
  for (let i = 0; i < input.values.length; i += 3) input.values[i] = special[(i / 3) % special.length];
  return input;
}

/** Elements where got differs from want by more than tolerance * (1 + |want|), NaN counting as equal to NaN. */
function mismatches(want: Float32Array, got: Float32Array, tolerance: number): number {
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const same = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= tolerance * (1 + Math.abs(want[i]));
    if (!same) bad++;
  }
  return bad;
}

const shapes = [[7], [2, 5, 3], [3, 9, 11, 4], [16, 40, 40, 8]]; // the last one runs threaded

describeNative('native SiLU (DflSilu) equals x * sigmoid(x) composed on cpu', () => {
  it.each(shapes.map((s) => [s]))('forward, x %p', (shape) => {
    const inputs = [awkward(shape)];
    const [want] = runOn('cpu', inputs, composite);
    resetNativeKernelStats();
    const [got] = runOn('native', inputs, native);
    tf.setBackend('cpu');
    expect(nativeKernelStats().unary?.calls).toBe(1);
    expect(mismatches(want, got, 1e-6)).toBe(0);
    // Large |x|: x itself for x >> 0, zero (not NaN, not -inf) for x << 0.
    if (shape.length === 1) expect([got[0], got[3], got[6]]).toEqual([100, expect.closeTo(0, 30), 89]);
  });

  it.each(shapes.map((s) => [s]))('gradient in one pass, x %p', (shape) => {
    const inputs = [awkward(shape), randomInput(shape)];
    const [want] = runOn('cpu', inputs, (x, dy) => tf.grad(composite)(x, dy));
    resetNativeKernelStats();
    const [got] = runOn('native', inputs, (x, dy) => tf.grad(native)(x, dy));
    tf.setBackend('cpu');
    expect(nativeKernelStats().activationGrad?.calls).toBe(1);
    expect(mismatches(want, got, 1e-5)).toBe(0);
    expect(got.filter((v, i) => Number.isNaN(v) && !Number.isNaN(inputs[0].values[i])).length).toBe(0);
  });

  it('has a second derivative: dy * s (1 - s) (2 + x (1 - 2s))', () => {
    const x = [-100, -5, -1, -0.1, 0, 0.3, 2, 7, 100];
    const dy = x.map((_, i) => 0.5 + i / 4);
    tf.setBackend('native');
    const got = tf.tidy(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.grad(native)(a, tf.tensor(dy))))(tf.tensor(x)).dataSync() as Float32Array);
    tf.setBackend('cpu');
    x.forEach((v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      expect(got[i]).toBeCloseTo(dy[i] * s * (1 - s) * (2 + v * (1 - 2 * s)), 5);
    });
  });
});

type Shape4 = [number, number, number, number];
const convCases: { name: string; depthwise: boolean; x: Shape4; f: Shape4; strides: number; pad: number; dimRoundingMode?: 'ceil' }[] = [
  { name: '1x1 dense', depthwise: false, x: [2, 8, 8, 16], f: [1, 1, 16, 24], strides: 1, pad: 0 },
  { name: '3x3 dense, stride 2', depthwise: false, x: [2, 9, 9, 3], f: [3, 3, 3, 8], strides: 2, pad: 1 },
  { name: '5x5 depthwise, stride 2', depthwise: true, x: [2, 11, 11, 12], f: [5, 5, 12, 1], strides: 2, pad: 2 },
  { name: '3x3 depthwise', depthwise: true, x: [1, 7, 7, 32], f: [3, 3, 32, 1], strides: 1, pad: 1 },
  // oneDNN cannot round up: the cpu convolution runs, then SiLU.
  { name: 'dense, ceil rounding (cpu fallback)', depthwise: false, x: [1, 9, 9, 4], f: [2, 2, 4, 6], strides: 2, pad: 0, dimRoundingMode: 'ceil' },
];

describeNative('convolutions with bias and SiLU fused (DflFusedConv2D, DflFusedDepthwiseConv2D)', () => {
  it.each(convCases.map((c) => [c.name, c] as const))('equal the cpu convolution then x * sigmoid(x): %s', (_n, c) => {
    const channels = c.f[2] * c.f[3];
    const outChannels = c.depthwise ? channels : c.f[3];
    const inputs = [randomInput(c.x, 3), randomInput(c.f), randomInput([outChannels])];
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: c.dimRoundingMode };
    const [want] = runOn('cpu', inputs, (x, filter, bias) => {
      const args = { x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides: c.strides, pad: c.pad, dimRoundingMode: c.dimRoundingMode };
      return composite(c.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args));
    });
    resetNativeKernelStats();
    const [got] = runOn('native', inputs, (x, filter, bias) =>
      tf.engine().runKernel(c.depthwise ? DFL_FUSED_DEPTHWISE_CONV2D : DFL_FUSED_CONV2D, { x, filter, bias },
        { ...attrs, activation: 'silu' } as unknown as tf.NamedAttrMap) as tf.Tensor);
    tf.setBackend('cpu');
    expect(got.length).toBe(want.length);
    expect(mismatches(want, got, TOLERANCE)).toBe(0);
    const stats = nativeKernelStats();
    if (c.dimRoundingMode) expect([stats.convForward?.calls, stats.unary?.calls]).toEqual([undefined, 1]);
    else expect([stats.convForward?.calls, stats.unary?.calls]).toEqual([1, undefined]);
  });

  it('take tfjs\' activations too (relu6, linear)', () => {
    const c = convCases[2];
    for (const activation of ['relu6', 'linear']) {
      const err = compareBackends([randomInput(c.x, 3), randomInput(c.f), randomInput([c.f[2]])], (x, filter, bias) =>
        tf.getBackend() === 'cpu'
          ? tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, bias, strides: c.strides, pad: c.pad, activation: activation as 'relu6' })
          : (tf.engine().runKernel(DFL_FUSED_DEPTHWISE_CONV2D, { x, filter, bias },
            { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation }) as tf.Tensor));
      expect(err).toBeLessThan(TOLERANCE);
    }
  });
});
