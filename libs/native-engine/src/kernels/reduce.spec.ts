import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, TOLERANCE } from '../testing/compare';

const cases: [number[], number | number[], boolean][] = [
  [[4, 6, 5, 8], [0, 1, 2], false], // batch statistics
  [[4, 6, 5, 8], [1, 2], true], // global average pooling
  [[4, 6, 5, 8], -1, false], // softmax / loss
  [[4, 6, 5, 8], [0, 1, 2, 3], false], // everything
  [[4, 6, 5, 8], [0, 2], false], // not contiguous: falls back to cpu
  [[64, 32, 32], [0, 1], true], // large, threaded over the reduced axis
  [[7], 0, false],
];

describeNative('native reductions match the cpu backend', () => {
  it.each(cases.map(([shape, axis, keep]) => [`[${shape}] axis ${axis} keepDims ${keep}`, shape, axis, keep] as const))(
    'sum, mean, max, min and their gradients: %s',
    (_n, shape, axis, keep) => {
      const err = compareBackends([randomInput(shape)], (x) => [
        tf.sum(x, axis, keep), tf.mean(x, axis, keep), tf.max(x, axis, keep), tf.min(x, axis, keep),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, axis, keep), tf.max(a, axis, keep))))(x),
      ]);
      expect(err).toBeLessThan(TOLERANCE);
    });

  it('runs natively', () => {
    resetNativeKernelStats();
    compareBackends([randomInput([4, 5, 6])], (x) => tf.sum(x, [0, 1]));
    expect(nativeKernelStats().reduce?.calls).toBe(1);
  });
});
