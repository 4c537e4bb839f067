import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, TOLERANCE } from '../testing/compare';

type Case = { a: number[]; b: number[]; ta: boolean; tb: boolean };
const cases: Case[] = [
  { a: [7, 13], b: [13, 5], ta: false, tb: false },
  { a: [13, 7], b: [13, 5], ta: true, tb: false },
  { a: [7, 13], b: [5, 13], ta: false, tb: true },
  { a: [13, 7], b: [5, 13], ta: true, tb: true },
  { a: [3, 4, 9], b: [3, 9, 6], ta: false, tb: false },
  { a: [2, 3, 9, 4], b: [2, 3, 6, 9], ta: true, tb: true },
  { a: [32, 512], b: [512, 2], ta: false, tb: false }, // a classifier head
  { a: [1, 4099], b: [4099, 33], ta: false, tb: false }, // a weighted sum over rows (threaded row-vector path)
  { a: [4099, 1], b: [4099, 33], ta: true, tb: false },
];
const name = (c: Case) => `a ${c.a}${c.ta ? 'ᵀ' : ''} b ${c.b}${c.tb ? 'ᵀ' : ''}`;
const outShape = (c: Case) => tf.tidy(() => tf.matMul(tf.zeros(c.a), tf.zeros(c.b), c.ta, c.tb).shape);

describeNative('native MatMul family matches the cpu backend', () => {
  it.each(cases.map((c) => [name(c), c] as const))('forward and gradients: %s', (_n, c) => {
    const err = compareBackends([randomInput(c.a), randomInput(c.b), randomInput(outShape(c))], (a, b, dy) => [
      tf.matMul(a, b, c.ta, c.tb),
      ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta, c.tb))([a, b], dy),
    ]);
    expect(err).toBeLessThan(TOLERANCE);
  });

  // tfjs' own BatchMatMul gradient rejects broadcast batches, so only the forward is compared there.
  it.each([
    { a: [1, 4, 9], b: [5, 9, 6], ta: false, tb: false },
    { a: [5, 4, 9], b: [6, 9], ta: false, tb: true },
    { a: [2, 3, 9, 4], b: [1, 9, 6], ta: true, tb: false },
  ].map((c) => [name(c), c] as const))('forward with broadcast batches: %s', (_n, c) => {
    const err = compareBackends([randomInput(c.a), randomInput(c.b)], (a, b) => tf.matMul(a, b, c.ta, c.tb));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it.each((['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu', 'prelu'] as const).map((a) => [a]))(
    'fused matmul with bias and %s, and its gradients',
    (activation) => {
      const c = cases[2];
      const err = compareBackends(
        [randomInput(c.a, 2), randomInput(c.b), randomInput([5]), randomInput([7, 5]), randomInput([5])],
        (a, b, bias, dy, alpha) => {
          const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
            tf.fused.matMul({
              a: x, b: y, transposeA: c.ta, transposeB: c.tb, bias: z, activation,
              preluActivationWeights: activation === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.3,
            });
          return [f(a, b, bias), ...(activation === 'prelu' ? [] : tf.grads(f)([a, b, bias], dy))];
        });
      expect(err).toBeLessThan(TOLERANCE);
    });

  it('runs on oneDNN', () => {
    resetNativeKernelStats();
    const c = cases[4];
    compareBackends([randomInput(c.a), randomInput(c.b)], (a, b) => tf.matMul(a, b));
    expect(nativeKernelStats().matmul?.calls).toBe(1);
  });
});
