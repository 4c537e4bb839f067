import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, relativeError, runOn, TOLERANCE } from '../testing/compare';

type Pad = 'same' | 'valid' | number;
type Case = { x: number[]; size: number | [number, number]; strides: number | [number, number]; pad: Pad };
const cases: Case[] = [
  { x: [2, 8, 8, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 9, 4], size: 3, strides: 2, pad: 'same' },
  { x: [1, 11, 7, 5], size: [3, 2], strides: [2, 1], pad: 'valid' },
  { x: [2, 10, 13, 2], size: 3, strides: 1, pad: 'same' },
  { x: [2, 9, 9, 3], size: 3, strides: 2, pad: 1 },
  { x: [3, 7, 7, 8], size: 7, strides: 7, pad: 'valid' }, // global pooling
];
const name = (c: Case) => `x ${c.x} size ${c.size} strides ${c.strides} pad ${c.pad}`;

// tfjs' cpu AvgPoolGrad divides by the full window even where its forward excluded the padding, so for padded
// average pools the reference gradient is that of the same pool written as two cpu depthwise convolutions.
function avgPoolByConvolution(x: tf.Tensor, c: Case): tf.Tensor {
  const [kh, kw] = typeof c.size === 'number' ? [c.size, c.size] : c.size;
  const ones = tf.ones([kh, kw, x.shape[3]!, 1]) as tf.Tensor4D;
  const sum = tf.depthwiseConv2d(x as tf.Tensor4D, ones, c.strides, c.pad);
  const count = tf.depthwiseConv2d(tf.onesLike(x) as tf.Tensor4D, ones, c.strides, c.pad);
  return tf.div(sum, count);
}

describeNative('native pooling matches the cpu backend', () => {
  for (const kind of ['max', 'avg'] as const) {
    const pool = (x: tf.Tensor, c: Case) =>
      kind === 'max'
        ? tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad)
        : tf.avgPool(x as tf.Tensor4D, c.size, c.strides, c.pad);
    it.each(cases.map((c) => [name(c), c] as const))(`${kind} pool forward and gradient: %s`, (_n, c) => {
      const out = tf.tidy(() => pool(tf.zeros(c.x), c).shape);
      const inputs = [randomInput(c.x), randomInput(out)];
      const run = (x: tf.Tensor, dy: tf.Tensor) => [pool(x, c), tf.grad((a: tf.Tensor) => pool(a, c))(x, dy)];
      const padded = kind === 'avg' && c.pad !== 'valid';
      const cpu = runOn('cpu', inputs, padded ? (x, dy) => [pool(x, c), tf.grad((a: tf.Tensor) => avgPoolByConvolution(a, c))(x, dy)] : run);
      expect(relativeError(cpu, runOn('native', inputs, run))).toBeLessThan(TOLERANCE);
    });
  }

  it('runs on oneDNN', () => {
    resetNativeKernelStats();
    const c = cases[1];
    compareBackends([randomInput(c.x), randomInput([2, 5, 5, 4])], (x, dy) => [
      tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'))(x, dy),
      tf.grad((a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, 3, 2, 'same'))(x, dy),
    ]);
    const stats = nativeKernelStats();
    expect(stats.maxPoolBackward?.calls).toBe(1);
    expect(stats.avgPoolBackward?.calls).toBe(1);
  });
});
