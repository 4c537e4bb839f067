import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy, fakeProbability } from './cross-entropy';
import { clipByGlobalNorm } from './grad-clip';
import { BestTracker } from './early-stopping';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('softmaxCrossEntropy', () => {
  it('equals -log softmax of the true class, and PyTorch label smoothing', () => {
    const logits = tf.tensor2d([
      [2, -1],
      [0.5, 0.25],
    ]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const ls = (a: number, b: number) => Math.log(Math.exp(a) + Math.exp(b));
    const plain = (-(2 - ls(2, -1)) - (0.25 - ls(0.5, 0.25))) / 2;
    expect(softmaxCrossEntropy(logits, labels).dataSync()[0]).toBeCloseTo(plain, 6);
    // ε = 0.1, K = 2: targets 0.95 / 0.05
    const lp = [
      [2 - ls(2, -1), -1 - ls(2, -1)],
      [0.5 - ls(0.5, 0.25), 0.25 - ls(0.5, 0.25)],
    ];
    const smooth = -((0.95 * lp[0][0] + 0.05 * lp[0][1]) + (0.05 * lp[1][0] + 0.95 * lp[1][1])) / 2;
    expect(softmaxCrossEntropy(logits, labels, 0.1).dataSync()[0]).toBeCloseTo(smooth, 6);
    const p = fakeProbability(logits).dataSync();
    expect(p[0]).toBeCloseTo(Math.exp(-1) / (Math.exp(2) + Math.exp(-1)), 6);
    tf.dispose([logits, labels]);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales to the max norm only when above it', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const clipped = clipByGlobalNorm(grads, 1);
    expect(clipped.norm).toBeCloseTo(5, 5);
    expect(Array.from(clipped.grads.a.dataSync())[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(clipped.grads.b.dataSync())[1]).toBeCloseTo(0.8, 5);
    const kept = clipByGlobalNorm(grads, 10);
    expect(Array.from(kept.grads.b.dataSync())).toEqual([0, 4]);
    tf.dispose([grads, clipped.grads, kept.grads]);
  });
});

describe('BestTracker', () => {
  it('keeps the earliest best and stops after patience epochs without improvement', () => {
    const t = new BestTracker('max', 2);
    expect(t.update(0, 0.6)).toBe(true);
    expect(t.update(1, 0.7)).toBe(true);
    expect(t.update(2, 0.7)).toBe(false);
    expect(t.shouldStop).toBe(false);
    expect(t.update(3, 0.65)).toBe(false);
    expect(t.shouldStop).toBe(true);
    expect(t.best).toEqual({ epoch: 1, value: 0.7 });
  });

  it('minimises loss-like metrics and ignores NaN', () => {
    const t = new BestTracker('min');
    t.update(0, 0.5);
    t.update(1, NaN);
    t.update(2, 0.4);
    expect(t.best).toEqual({ epoch: 2, value: 0.4 });
    expect(t.shouldStop).toBe(false);
  });
});
