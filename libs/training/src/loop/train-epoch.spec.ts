import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '@dfl/core';
import { AdamStep } from '../optimizer-steps/adam-step';
import { trainEpoch } from './train-epoch';
import { predictViews } from './predict-scores';
import type { ImageBatch, TrainableModel } from './trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Linear model on mean channel intensities: enough to learn "fakes are redder" from 4x4 images. */
function linearModel(): TrainableModel & { dispose(): void } {
  const w = tf.variable(tf.zeros([3, 2]), true, 'lin/w');
  const b = tf.variable(tf.zeros([2]), true, 'lin/b');
  return {
    apply: (x, _training) => tf.tidy(() => x.mean([1, 2]).matMul(w).add(b) as tf.Tensor2D),
    trainableVariables: [w, b],
    dispose: () => tf.dispose([w, b]),
  };
}

async function* batches(seed: number, count: number): AsyncGenerator<ImageBatch> {
  const r = new SeededRandom(seed);
  for (let i = 0; i < count; i++) {
    const n = 8;
    const images = new Float32Array(n * 4 * 4 * 3);
    const labels = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      labels[j] = r.int(2);
      for (let p = 0; p < 16; p++) {
        images[(j * 16 + p) * 3] = r.normal(labels[j] ? 1 : -1, 0.5);
        images[(j * 16 + p) * 3 + 1] = r.normal();
        images[(j * 16 + p) * 3 + 2] = r.normal();
      }
    }
    yield { images, shape: [n, 4, 4, 3], labels, names: Array.from({ length: n }, (_, k) => `${i}_${k}.png`) };
  }
}

describe('trainEpoch', () => {
  it('lowers the loss over epochs, reports every step, and leaks no tensors', async () => {
    const model = linearModel();
    const opt = new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false });
    const first = await trainEpoch({ model, optimizer: opt, lrAt: () => 0.05, batches: batches(1, 10) });
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    let last = first;
    for (let e = 0; e < 3; e++) {
      last = await trainEpoch({ model, optimizer: opt, lrAt: () => 0.05, batches: batches(2 + e, 10), onStep: (s) => steps.push(s.step) });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(first.images).toBe(80);
    expect(steps).toHaveLength(30);
    expect(last.meanLoss).toBeLessThan(first.meanLoss);
    expect(last.meanLoss).toBeLessThan(0.3);

    // inference over two views (identity and a channel-preserving flip) gives the label order back
    async function* views() {
      for await (const b of batches(9, 2)) yield [b, b];
    }
    const scored = [];
    for await (const s of predictViews(model, views())) scored.push(s);
    expect(scored).toHaveLength(2);
    expect(scored[0].viewLogits).toHaveLength(2);
    expect(scored[0].viewLogits[0].length).toBe(16);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    model.dispose();
  });

  it('stops with a clear error when the loss diverges', async () => {
    const model = linearModel();
    const opt = new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false });
    async function* bad(): AsyncGenerator<ImageBatch> {
      yield { images: new Float32Array(48).fill(NaN), shape: [1, 4, 4, 3], labels: new Int32Array([1]), names: ['x.png'] };
    }
    await expect(trainEpoch({ model, optimizer: opt, lrAt: () => 0.1, batches: bad() })).rejects.toThrow(/diverged: loss is NaN at step 1/);
    opt.dispose();
    model.dispose();
  });
});
