import * as tf from '@tensorflow/tfjs';
import { nativeBatchNormTraining, type BatchNormActivation } from './batch-norm-training';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
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

  const activations: Record<BatchNormActivation, (t: tf.Tensor) => tf.Tensor> = {
    relu: (t) => tf.relu(t),
    relu6: (t) => tf.relu6(t),
    silu: (t) => tf.mul(t, tf.sigmoid(t)),
  };
  it.each(
    (Object.keys(activations) as BatchNormActivation[]).flatMap((act) => [
      [act, [4, 6, 5, 8]],
      [act, [64, 16, 16, 24]], // threaded
    ]) as [BatchNormActivation, number[]][],
  )('with %s fused: output and gradients equal BatchNorm then the activation on cpu, x %p', (act, shape) => {
    const c = shape[shape.length - 1];
    // beta spread so that ReLU6 clips at both ends
    const inputs = [randomInput(shape, 2), randomInput([c]), randomInput([c], 3), randomInput(shape)];
    const reference = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { y, mean, variance } = composed(x, g, b, 1e-5);
      return { y: activations[act](y), mean, variance };
    };
    const fused = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => nativeBatchNormTraining(x, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, act);
    const run = (impl: typeof reference) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) => {
      const { y, mean, variance } = impl(x, g, b);
      const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => impl(a, gg, bb).y)([x, g, b], dy);
      return [y, mean, variance, ...grads];
    };
    const cpu = runOn('cpu', inputs, run(reference));
    resetNativeKernelStats();
    const native = runOn('native', inputs, run(fused));
    tf.setBackend('cpu');
    expect(relativeError(cpu, native)).toBeLessThan(1e-4);
    const stats = nativeKernelStats();
    expect(stats.batchNormAct?.calls).toBe(2); // the output above, and the forward pass under tf.grads
    expect(stats.unary).toBeUndefined(); // no separate activation pass
    expect(stats.activationGrad).toBeUndefined(); // nor its gradient
  });

  it('rejects an activation it cannot fuse', () => {
    tf.setBackend('native');
    const x = tf.ones([2, 3]);
    expect(() => nativeBatchNormTraining(x, tf.ones([3]), tf.zeros([3]), 1e-5, 'tanh' as BatchNormActivation)).toThrow(/unknown activation 'tanh'/);
    tf.dispose(x);
    tf.setBackend('cpu');
  });

  it.each([undefined, 'silu'] as const)('leaks no tensors (activation %s)', (activation) => {
    tf.setBackend('native');
    const x = tf.randomNormal([2, 4, 4, 3]);
    const g = tf.ones([3]) as tf.Tensor1D;
    const b = tf.zeros([3]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: tf.Tensor, bb: tf.Tensor) => nativeBatchNormTraining(a, g, bb as tf.Tensor1D, 1e-5, activation).y)([x, b]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
    tf.setBackend('cpu');
  });
});
