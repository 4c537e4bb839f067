import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, runOn, TOLERANCE } from '../testing/compare';

type Case = { a: number[]; b: number[]; fused: boolean };
const cases: Case[] = [
  { a: [4, 6, 5, 16], b: [4, 1, 1, 16], fused: true }, // squeeze-excite: x * scale
  { a: [4, 1, 1, 16], b: [4, 6, 5, 16], fused: true }, // the same, operands swapped
  { a: [32, 8, 8, 48], b: [32, 1, 1, 48], fused: true }, // batch above the thread count
  { a: [2, 10, 10, 8], b: [1, 1, 1, 8], fused: true }, // per-channel: the sum over n, h, w split across threads
  { a: [3, 7, 9], b: [9], fused: true }, // lower rank
  { a: [5, 6], b: [], fused: true }, // a scalar
  { a: [2, 3, 4, 5], b: [1, 3, 1, 5], fused: false }, // summed axes not contiguous: tfjs' gradient
  { a: [2, 1, 4], b: [1, 3, 1], fused: false }, // both broadcast: tfjs' gradient
  { a: [3, 4], b: [3, 4], fused: false }, // no broadcast
];

const name = (c: Case) => `[${c.a}] * [${c.b}]`;
const gradsOfMul = (a: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.mul(x, y))([a, b], dy);
const outShape = (c: Case) => tf.tidy(() => tf.mul(tf.zeros(c.a), tf.zeros(c.b)).shape);

describeNative('native Multiply gradient with one broadcast operand (DflMultiplySum) matches the cpu backend', () => {
  it.each(cases.map((c) => [name(c), c] as const))('%s', (_n, c) => {
    const inputs = [randomInput(c.a), randomInput(c.b), randomInput(outShape(c))];
    resetNativeKernelStats();
    expect(compareBackends(inputs, gradsOfMul)).toBeLessThan(TOLERANCE);
    expect(nativeKernelStats().multiplySum?.calls).toBe(c.fused ? 1 : undefined);
  });

  it('sums large per-channel reductions as accurately as the cpu backend', () => {
    const c = { a: [16, 32, 32, 8], b: [8] };
    const inputs = [randomInput(c.a, 3), randomInput(c.b), randomInput(c.a)];
    const [, want] = runOn('cpu', inputs, gradsOfMul);
    const [, got] = runOn('native', inputs, gradsOfMul);
    tf.setBackend('cpu');
    want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(1e-5 * Math.max(1, Math.abs(w))));
  });

  it('has second-order gradients equal to tfjs\' own', () => {
    const c = cases[0];
    const inputs = [randomInput(c.a), randomInput(c.b), randomInput(c.a)];
    // d/da of <gb(a, b, dy), b> where gb is Multiply's gradient for b: the DflMultiplySum gradient on native
    const second = (a: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) =>
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(gradsOfMul(x, y, dy)[1], y)))([a, b]);
    expect(compareBackends(inputs, second)).toBeLessThan(TOLERANCE);
  });

  it('leaves no tensors behind', () => {
    tf.setBackend('native');
    const [a, b, dy] = [[4, 6, 5, 16], [4, 1, 1, 16], [4, 6, 5, 16]].map((s) => tf.randomNormal(s));
    const before = tf.memory().numTensors;
    tf.dispose(gradsOfMul(a, b, dy));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, dy]);
    tf.setBackend('cpu');
  });
});
