import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { createModel } from '../backbones/create-model';
import { selectEngine } from '../engine';
import { loadPretrained } from './load-pretrained';
import { readSafetensorsFile, toFloat32 } from './safetensors';

// Fixtures made by ../../fixtures/make_parity_fixtures.py with torchvision 0.14 (random weights, 2 classes, 32 px
// inputs). Our forward pass must give PyTorch's logits within 1e-4 in inference, match in training mode (batch
// statistics), and update BatchNorm's running statistics as PyTorch does.
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'parity');
const PARITY = ['resnet18', 'efficientnet_b0', 'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large'];

// Training mode normalises with the statistics of 8 images (1x1 maps in the last stages), which amplifies float32
// rounding: on the cpu backend every model is within 1e-4, on wasm mobilenet_v2 is 1.5e-4 off.
const TRAIN_TOLERANCE = 1e-3;

// On the engine users train with (wasm; cpu if wasm is missing): it is the forward pass that has to match.
beforeAll(async () => {
  try {
    await selectEngine('wasm');
  } catch {
    await selectEngine('cpu');
  }
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(PARITY)('%s matches torchvision', (name) => {
  it('gives the same logits (eval and train mode) and running statistics as PyTorch', async () => {
    const io = await readSafetensorsFile(path.join(FIXTURES, `${name}.io.safetensors`));
    const get = (k: string) => {
      const e = io.tensors.get(k)!;
      return { shape: [...e.shape], values: toFloat32(e) };
    };
    const model = createModel(name, { numClasses: 2, dropout: 0, dropPath: 0 });
    try {
      const report = await loadPretrained(model, path.join(FIXTURES, `${name}.safetensors`));
      expect(report.reinitialised).toEqual([]);
      expect(report.loaded).toBe(model.namedVariables().size);
      const input = get('input');
      const x = tf.tidy(() => tf.transpose(tf.tensor(input.values, input.shape), [0, 2, 3, 1]));
      const evalLogits = model.predict(x);
      expect(maxAbsDiff(evalLogits.dataSync(), get('logits_eval').values)).toBeLessThan(1e-4);
      // The folded inference view (BatchNorm folded into the convolutions) gives the same logits, and owns no
      // tensor once disposed.
      const tensors = tf.memory().numTensors;
      const inference = model.inference();
      for (let i = 0; i < 2; i++) {
        const folded = inference.predict(x);
        expect(maxAbsDiff(folded.dataSync(), get('logits_eval').values)).toBeLessThan(1e-4);
        folded.dispose();
      }
      inference.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      const inputTrain = get('input_train');
      const xt = tf.tidy(() => tf.transpose(tf.tensor(inputTrain.values, inputTrain.shape), [0, 2, 3, 1]));
      const trainLogits = model.apply(xt, { training: true });
      expect(maxAbsDiff(trainLogits.dataSync(), get('logits_train').values)).toBeLessThan(TRAIN_TOLERANCE);
      const bn = io.metadata.bn;
      const stats = model.namedVariables();
      expect(maxAbsDiff(stats.get(`${bn}.running_mean`)!.variable.dataSync(), get('running_mean_after_train').values)).toBeLessThan(1e-5);
      expect(maxAbsDiff(stats.get(`${bn}.running_var`)!.variable.dataSync(), get('running_var_after_train').values)).toBeLessThan(1e-4);
      tf.dispose([x, xt, evalLogits, trainLogits]);
    } finally {
      model.dispose();
    }
  });
});
