import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { describeNative, randomInput, runOn } from '../testing/compare';

type Act = [string, (x: tf.Tensor) => tf.Tensor];
const activations: Act[] = [['relu', tf.relu], ['relu6', tf.relu6], ['sigmoid', tf.sigmoid]];

/** x with exact zeros, sixes, NaN and values beyond 6 mixed into N(0, 4). */
function awkward(shape: number[]): { shape: number[]; values: Float32Array } {
  const input = randomInput(shape, 4);
  const special = [0, 6, NaN, 7, -0, 6.000001, 1e-30];
  for (let i = 0; i < input.values.length; i += 5) input.values[i] = special[(i / 5) % special.length];
  return input;
}

describeNative('native activation gradients (DflActivationGrad) equal tfjs\' composed ones on cpu', () => {
  const shapes = [[7], [2, 5, 3], [3, 9, 11, 4], [16, 40, 40, 8]]; // the last one runs threaded
  it.each(activations.flatMap(([name, f]) => shapes.map((shape) => [name, shape, f] as const)))(
    '%s, x %p', (_name, shape, f) => {
      const inputs = [awkward(shape), randomInput(shape)];
      const grad = (x: tf.Tensor, dy: tf.Tensor) => tf.grad(f)(x, dy);
      const [want] = runOn('cpu', inputs, grad);
      resetNativeKernelStats();
      const [got] = runOn('native', inputs, grad);
      tf.setBackend('cpu');
      expect(nativeKernelStats().activationGrad?.calls).toBe(1);
      // ReLU / ReLU6: the same float operations in the same order, so equal (NaN where cpu has NaN). Sigmoid: from
      // its output, which the native forward computes to ~1 ulp of cpu's.
      const tolerance = _name === 'sigmoid' ? 1e-6 : 0;
      let bad = 0;
      for (let i = 0; i < want.length; i++) {
        const same = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= tolerance * (1 + Math.abs(want[i]));
        if (!same) bad++;
      }
      expect(bad).toBe(0);
    });

  it('has a gradient itself (second order) equal to cpu\'s', () => {
    tf.setBackend('native');
    // tfjs itself has none for relu6 (LessEqual) and sigmoid (its saved output): relu is the case both can do.
    for (const [, f] of activations.filter(([name]) => name === 'relu')) {
      const secondOrder = (x: tf.Tensor, dy: tf.Tensor) =>
        tf.grads((a: tf.Tensor, d: tf.Tensor) => tf.sum(tf.square(tf.grad(f)(a, d))))([x, dy]);
      const inputs = [randomInput([3, 4], 4), randomInput([3, 4])];
      const want = runOn('cpu', inputs, secondOrder);
      const got = runOn('native', inputs, secondOrder);
      tf.setBackend('cpu');
      want.forEach((w, k) => w.forEach((v, i) => expect(got[k][i]).toBeCloseTo(v, 5)));
    }
  });
});
