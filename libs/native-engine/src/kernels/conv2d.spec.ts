import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, TOLERANCE } from '../testing/compare';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];
type Case = { x: Shape4; f: Shape4; strides: number | [number, number]; pad: Pad; dilations?: number | [number, number] };

const cases: Case[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 10, 7, 4], f: [3, 2, 4, 6], strides: [2, 1], pad: 'valid' },
  { x: [3, 8, 8, 5], f: [1, 1, 5, 7], strides: 2, pad: 'valid' },
  { x: [2, 11, 13, 3], f: [7, 7, 3, 8], strides: 2, pad: 'same' },
  { x: [2, 8, 9, 4], f: [3, 3, 4, 4], strides: 1, pad: 1 },
  { x: [2, 8, 9, 4], f: [3, 3, 4, 3], strides: 2, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [1, 12, 12, 16], f: [3, 3, 16, 32], strides: 2, pad: 'same' },
];

const dilated: Case[] = [
  { x: [2, 11, 10, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 9, 2], f: [3, 2, 2, 5], strides: 1, pad: 'valid', dilations: [2, 3] },
];

const name = (c: Case) => `x ${c.x} filter ${c.f} strides ${c.strides} pad ${JSON.stringify(c.pad)} dil ${c.dilations ?? 1}`;

describeNative('native Conv2D family matches the cpu backend', () => {
  it.each([...cases, ...dilated].map((c) => [name(c), c] as const))('forward: %s', (_n, c) => {
    const err = compareBackends([randomInput(c.x), randomInput(c.f)], (x, f) =>
      tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it.each(cases.map((c) => [name(c), c] as const))('gradients dx and dfilter: %s', (_n, c) => {
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad).shape);
    const err = compareBackends([randomInput(c.x), randomInput(c.f), randomInput(outShape)], (x, f, dy) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([x, f], dy));
    expect(err).toBeLessThan(TOLERANCE);
  });

  const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
  it.each(activations.map((a) => [a]))('fused conv2d with bias and %s', (activation) => {
    const c = cases[6];
    const err = compareBackends(
      [randomInput(c.x, 3), randomInput(c.f), randomInput([c.f[3]]), randomInput([c.f[3]])],
      (x, f, bias, alpha) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad, bias, activation,
          preluActivationWeights: activation === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.1,
        }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('fused conv2d without bias, and its gradients (bias, relu)', () => {
    const c = cases[1];
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad).shape);
    const plain = compareBackends([randomInput(c.x), randomInput(c.f)], (x, f) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad, activation: 'relu' }));
    expect(plain).toBeLessThan(TOLERANCE);
    const grads = compareBackends(
      [randomInput(c.x), randomInput(c.f), randomInput([c.f[3]]), randomInput(outShape)],
      (x, f, bias, dy) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
          tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: c.strides, pad: c.pad, bias: d, activation: 'relu' }),
        )([x, f, bias], dy));
    expect(grads).toBeLessThan(TOLERANCE);
  });
});

describeNative('native Conv2D family runs on oneDNN', () => {
  it('counts oneDNN calls for the forward pass and both gradients', () => {
    resetNativeKernelStats();
    const c = cases[0];
    compareBackends([randomInput(c.x), randomInput(c.f), randomInput([2, 9, 9, 5])], (x, f, dy) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))([x, f], dy));
    const stats = nativeKernelStats();
    expect(stats.convBackwardData?.calls).toBe(1);
    expect(stats.convBackwardWeights?.calls).toBe(1);
    expect(stats.convForward?.calls).toBeGreaterThanOrEqual(1);
  });
});
