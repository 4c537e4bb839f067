import * as tf from '@tensorflow/tfjs';
import { SgdStep } from '../optimizer-steps/sgd-step';
import { softmaxCrossEntropy } from './cross-entropy';
import { trainEpoch } from './train-epoch';
import type { ImageBatch, TrainableModel } from './trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function model(tag: string): TrainableModel & { w: tf.Variable } {
  const w = tf.variable(tf.tensor2d([0.1, -0.2, 0.3, 0.05, -0.1, 0.2], [3, 2]), true, `acc_${tag}/w`);
  return { w, apply: (x) => tf.tidy(() => x.mean([1, 2]).matMul(w) as tf.Tensor2D), trainableVariables: [w] };
}

function batch(values: number[], labels: number[]): ImageBatch {
  const n = labels.length;
  const images = new Float32Array(n * 3);
  values.forEach((v, i) => (images[i] = v));
  return { images, shape: [n, 1, 1, 3], labels: Int32Array.from(labels), names: labels.map((_, i) => `${i}`) };
}

async function* from(batches: ImageBatch[]) {
  yield* batches;
}

describe('gradient accumulation', () => {
  it('two micro-batches of 2 update exactly like one batch of 4', async () => {
    const vals = [0.5, -1, 2, 1, 0.3, -0.7, -2, 0.1, 0.4, 0.9, 1.5, -0.3];
    const labels = [1, 0, 0, 1];
    const whole = model('whole');
    await trainEpoch({ model: whole, optimizer: new SgdStep({ momentum: 0, nesterov: false, weightDecay: 0 }), lrAt: () => 0.5, batches: from([batch(vals, labels)]) });
    const split = model('split');
    const res = await trainEpoch({
      model: split,
      optimizer: new SgdStep({ momentum: 0, nesterov: false, weightDecay: 0 }),
      lrAt: () => 0.5,
      gradAccumulation: 2,
      batches: from([batch(vals.slice(0, 6), labels.slice(0, 2)), batch(vals.slice(6), labels.slice(2))]),
    });
    expect(res.steps).toBe(2);
    const a = whole.w.dataSync();
    const b = split.w.dataSync();
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
    expect(Array.from(b)).not.toEqual([0.1, -0.2, 0.3, 0.05, -0.1, 0.2].map(Math.fround));
  });
});

describe('single-logit head', () => {
  it('uses sigmoid BCE with smoothed targets', () => {
    const logits = tf.tensor2d([[2], [-1]]);
    const labels = tf.tensor1d([1, 0], 'int32');
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const bce = (z: number, y: number) => -(y * Math.log(sig(z)) + (1 - y) * Math.log(1 - sig(z)));
    expect(softmaxCrossEntropy(logits, labels).dataSync()[0]).toBeCloseTo((bce(2, 1) + bce(-1, 0)) / 2, 6);
    expect(softmaxCrossEntropy(logits, labels, 0.2).dataSync()[0]).toBeCloseTo((bce(2, 0.9) + bce(-1, 0.1)) / 2, 6);
    tf.dispose([logits, labels]);
  });
});
