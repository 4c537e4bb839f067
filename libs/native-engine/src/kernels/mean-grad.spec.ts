import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { describeNative, randomInput, runOn } from '../testing/compare';

const cases: { shape: number[]; axis: number[]; keepDims: boolean }[] = [
  { shape: [4, 6, 5, 8], axis: [1, 2], keepDims: true }, // squeeze-excite
  { shape: [4, 6, 5, 8], axis: [1, 2], keepDims: false }, // global average pool
  { shape: [8, 24, 24, 16], axis: [1, 2], keepDims: true }, // a bigger tile
  { shape: [3, 7], axis: [0], keepDims: false },
  { shape: [2, 3, 4], axis: [0, 1, 2], keepDims: false },
];

describeNative('native Mean gradient (dy / n, tiled) equals tfjs\' (dy * ones) / n on cpu', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', (_n, c) => {
    const outShape = tf.tidy(() => tf.mean(tf.zeros(c.shape), c.axis, c.keepDims).shape);
    const inputs = [randomInput(c.shape), randomInput(outShape)];
    const grad = (x: tf.Tensor, dy: tf.Tensor) => tf.grad((a: tf.Tensor) => tf.mean(a, c.axis, c.keepDims))(x, dy);
    const [want] = runOn('cpu', inputs, grad);
    resetNativeKernelStats();
    const [got] = runOn('native', inputs, grad);
    tf.setBackend('cpu');
    expect(nativeKernelStats().tile?.calls).toBe(1);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
