import * as tf from '@tensorflow/tfjs';
import { selectEngine } from '../engine';
import { backbones } from './backbone-registry';
import { createModel } from './create-model';

// timm's tests/test_models.py: every registered backbone runs forward and one backward + update step, at the
// smallest input its strides allow, without leaking tensors. On the wasm engine with our training kernels (the
// pure-JS cpu backend's conv filter gradient takes minutes for the large models); cpu if wasm is unavailable.
jest.setTimeout(120_000);

beforeAll(async () => {
  try {
    await selectEngine('wasm');
  } catch {
    await selectEngine('cpu');
  }
});

describe.each(backbones.names())('%s', (name) => {
  it('runs forward and one training step with every parameter getting a gradient, leaking no tensor', () => {
    const spec = backbones.get(name);
    const model = createModel(name, { numClasses: 2, seed: 1 });
    const x = tf.randomNormal([2, spec.minSize, spec.minSize, 3], 0, 1, 'float32', 5);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2));
    try {
      const before = tf.memory().numTensors;
      const logits = model.predict(x);
      expect(logits.shape).toEqual([2, 2]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      logits.dispose();

      const variables = model.trainableVariables;
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, true)) as tf.Scalar, variables);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      const missing = variables.filter((v) => !grads[v.name] || grads[v.name].shape.join() !== v.shape.join());
      expect(missing).toEqual([]);
      const firstConv = variables[0];
      const w0 = firstConv.dataSync().slice();
      tf.tidy(() => {
        for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
      });
      expect(Array.from(firstConv.dataSync())).not.toEqual(Array.from(w0));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
