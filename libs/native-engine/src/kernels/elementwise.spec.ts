import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, relativeToLargest, runOn, TOLERANCE } from '../testing/compare';

const pairs: [number[], number[]][] = [
  [[2, 5, 7, 3], [2, 5, 7, 3]], // same shape
  [[2, 5, 7, 3], [3]], // per channel
  [[3], [2, 5, 7, 3]], // per channel, on the left
  [[2, 5, 7, 3], [2, 1, 1, 3]], // squeeze-excitation
  [[2, 5, 7, 3], [2, 5, 7, 1]], // per pixel
  [[4, 1, 6], [1, 5, 1]], // both broadcast
  [[], [3, 4]], // scalar
  [[3, 4], []],
  [[64, 80, 33], [33]], // large enough to run threaded
];

const binaryOps: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum],
  ['minimum', tf.minimum], ['squaredDifference', tf.squaredDifference],
];

const unaryOps: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ['relu', tf.relu], ['relu6', tf.relu6], ['step', (x) => tf.step(x, 0.25)], ['sqrt', (x) => tf.sqrt(tf.abs(x))],
  ['square', tf.square], ['rsqrt', (x) => tf.rsqrt(tf.abs(x))], ['neg', tf.neg], ['exp', tf.exp],
  ['log', (x) => tf.log(tf.abs(x))], ['sigmoid', tf.sigmoid], ['tanh', tf.tanh], ['abs', tf.abs],
  ['reciprocal', tf.reciprocal], ['leakyRelu', (x) => tf.leakyRelu(x, 0.3)], ['elu', tf.elu],
  ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.7)], ['exp (wide range)', (x) => tf.exp(tf.mul(x, 15))],
  ['sigmoid (wide range)', (x) => tf.sigmoid(tf.mul(x, 40))], ['relu6 (wide range)', (x) => tf.relu6(tf.mul(x, 8))],
];

const comparisons: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['less', tf.less], ['lessEqual', tf.lessEqual], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual],
  ['equal', tf.equal], ['notEqual', tf.notEqual],
];

describeNative('native element-wise kernels match the cpu backend', () => {
  it.each(comparisons.flatMap(([name, op]) => [[[2, 5, 7, 3], []], [[2, 5, 7, 3], [3]], [[64, 80, 33], [64, 80, 33]]].map(([a, b]) => [`${name} [${a}] [${b}]`, op, a, b] as const)))(
    '%s (as 0/1, with ties)',
    (_n, op, a, b) => {
      const round = (t: tf.Tensor) => tf.round(tf.mul(t, 2)); // some exact ties
      const err = compareBackends([randomInput(a), randomInput(b)], (x, y) => {
        const r = op(round(x), round(y));
        expect(r.dtype).toBe('bool');
        return tf.cast(r, 'float32');
      });
      expect(err).toBe(0);
    },
  );

  it.each(binaryOps.flatMap(([name, op]) => pairs.map(([a, b]) => [`${name} [${a}] [${b}]`, op, a, b] as const)))(
    '%s',
    (_n, op, a, b) => {
      expect(compareBackends([randomInput(a), randomInput(b)], (x, y) => op(x, y))).toBeLessThan(TOLERANCE);
    },
  );

  it.each(unaryOps.map(([name, op]) => [name, op] as const))('%s, and its gradient', (_n, op) => {
    const shape = [3, 41, 17, 16];
    const err = compareBackends([randomInput(shape), randomInput(shape)], (x, dy) => [op(x), tf.grad(op)(x, dy)]);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('float32 tensors that hold bools or ints (tfjs casts by relabelling)', () => {
    const err = compareBackends([randomInput([3, 40, 41, 16]), randomInput([3, 40, 41, 16])], (x, y) => [
      tf.mul(tf.lessEqual(x, 0.5), y), // relu6's gradient mask
      tf.add(tf.cast(tf.greater(x, 0), 'float32'), y),
      tf.mul(tf.cast(tf.cast(tf.mul(x, 10), 'int32'), 'float32'), y),
    ]);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('addN and tile', () => {
    const err = compareBackends([randomInput([5, 6, 7]), randomInput([5, 6, 7]), randomInput([5, 6, 7]), randomInput([2, 1, 3])], (a, b, c, d) => [
      tf.addN([a, b, c]), tf.tile(d, [3, 4, 2]), tf.tile(a, [1, 1, 1]), tf.tile(tf.reshape(d, [6]), [5]),
    ]);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('batchNorm (inference form) with and without offset and scale, and its gradients', () => {
    const x = [4, 6, 5, 8];
    const err = compareBackends(
      [randomInput(x), randomInput([8]), randomInput([8]), randomInput([8]), randomInput([8]), randomInput(x)],
      (xs, mean, v, offset, scale, dy) => {
        const variance = tf.abs(v);
        const f = (a: tf.Tensor, m: tf.Tensor, s: tf.Tensor, o: tf.Tensor, sc: tf.Tensor) => tf.batchNorm(a, m, s, o, sc, 1e-3);
        return [
          tf.batchNorm(xs, mean, variance),
          ...tf.grads(f)([xs, mean, variance, offset, scale], dy),
        ];
      });
    expect(err).toBeLessThan(1e-4);
  });

  it('batchNorm is exact near the mean: x == mean gives exactly the offset (a ReLU behind it sees the same sign as cpu)', () => {
    // Values a little off a large mean, as after a ReLU-free conv with a large bias. Folding the mean into the offset
    // (x * s + (o - mean * s)) loses one ulp of mean * s, which flipped ReLU masks against cpu in resnet18 gradients.
    const c = 4;
    const means = Float32Array.from([1000, -250.5, 37.25, 4096]);
    const x = new Float32Array(6 * c);
    for (let i = 0; i < x.length; i++) x[i] = means[i % c] + (i < c ? 0 : (((i * 7919) % 13) - 6) * 1e-3 * Math.abs(means[i % c]));
    const inputs = [
      { shape: [2, 3, c], values: x }, { shape: [c], values: means },
      { shape: [c], values: Float32Array.from([0.5, 2, 1e-4, 9]) }, { shape: [c], values: new Float32Array(c) },
      { shape: [c], values: Float32Array.from([1, 3, 0.5, 2]) },
    ];
    const f = (xs: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, sc: tf.Tensor) => tf.batchNorm(xs, m, v, o, sc, 1e-3);
    const [want] = runOn('cpu', inputs, f);
    const [got] = runOn('native', inputs, f);
    tf.setBackend('cpu');
    expect(Array.from(got.subarray(0, c))).toEqual([0, 0, 0, 0]);
    expect(relativeToLargest(want, got)).toBeLessThan(1e-6);
  });

  it('runs natively', () => {
    resetNativeKernelStats();
    compareBackends([randomInput([2, 3]), randomInput([3])], (a, b) => tf.relu(tf.mul(a, b)));
    const stats = nativeKernelStats();
    expect(stats.binary?.calls).toBe(1);
    expect(stats.unary?.calls).toBe(1);
  });
});
