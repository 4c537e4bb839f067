import * as tf from '@tensorflow/tfjs';
import { nativeBatchNormTraining } from './batch-norm-training';
import { describeNative, randomInput, relativeError, relativeToLargest, runOn } from '../testing/compare';

/** The textbook composition, differentiated by tfjs on the cpu backend: the reference. */
function composed(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return { y: tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, eps), mean, variance };
}

describeNative('nativeBatchNormTraining matches the composed BatchNorm on cpu', () => {
  it.each([
    [[4, 6, 5, 8]],
    [[2, 33, 17, 3]],
    [[64, 16, 16, 24]], // threaded
    [[10, 7]],
  ])('statistics, output and gradients for x %p', (shape) => {
    const c = shape[shape.length - 1];
    const inputs = [randomInput(shape, 2), randomInput([c]), randomInput([c]), randomInput(shape)];
    // an offset so the statistics are not near zero
    const run = (impl: typeof composed) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) => {
      const xs = tf.add(x, 3);
      const { y, mean, variance } = impl(xs, g, b, 1e-5);
      const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => impl(a, gg, bb, 1e-5).y)([xs, g, b], dy);
      return [y, mean, variance, ...grads];
    };
    const cpu = runOn('cpu', inputs, run(composed));
    const native = runOn('native', inputs, run(nativeBatchNormTraining as unknown as typeof composed));
    tf.setBackend('cpu');
    expect(relativeError(cpu, native)).toBeLessThan(1e-4);
  });

  it('the input gradient keeps its accuracy when the mean is large against the spread', () => {
    const shape = [8, 4, 4, 16];
    const inputs = [randomInput(shape, 0.01), randomInput([16]), randomInput([16]), randomInput(shape)];
    const run = (impl: typeof composed) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) => {
      const xs = tf.add(x, 300);
      return tf.grads((a: tf.Tensor) => impl(a, g, b, 1e-5).y)([xs], dy);
    };
    const [want] = runOn('cpu', inputs, run(composed));
    const [got] = runOn('native', inputs, run(nativeBatchNormTraining as unknown as typeof composed));
    tf.setBackend('cpu');
    expect(relativeToLargest(want, got)).toBeLessThan(2e-4); // 3.9e-5 measured
  });

  it('leaks no tensors', () => {
    tf.setBackend('native');
    const x = tf.randomNormal([2, 4, 4, 3]);
    const g = tf.ones([3]) as tf.Tensor1D;
    const b = tf.zeros([3]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: tf.Tensor) => nativeBatchNormTraining(a, g, b, 1e-5).y)([x]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
    tf.setBackend('cpu');
  });
});
