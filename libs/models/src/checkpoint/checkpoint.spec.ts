import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createModel } from '../backbones/create-model';
import { loadCheckpoint, optimizerStateByKey, optimizerStateByVariable, readCheckpointConfig, saveCheckpoint } from './checkpoint';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'dfl-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('rebuild the model from their own config, with weights, BatchNorm statistics and optimizer state', async () => {
    const model = createModel('tiny_cnn', { numClasses: 3, dropout: 0.1, seed: 11 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3);
    // Stand-in optimizer state, keyed `<slot>/<variable name>` as ParameterOptimizer.getState() gives it.
    const [v0, v1] = model.trainableVariables;
    const optimizerState: tf.NamedTensorMap = { [`m/${v0.name}`]: tf.onesLike(v0), [`v/${v1.name}`]: tf.fill(v1.shape, 2) };
    try {
      tf.dispose(model.apply(x, true));
      const ckpt = path.join(dir, 'best');
      await saveCheckpoint(ckpt, model, { optimizerState, state: { epoch: 4, step: 40 } });
      expect((await readdir(ckpt)).sort()).toEqual(['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']);
      expect(await readCheckpointConfig(ckpt)).toEqual(model.config);

      const before = tf.memory().numTensors;
      const loaded = await loadCheckpoint(ckpt);
      try {
        expect(loaded.config).toEqual({ ...model.config });
        expect(loaded.config.options.dropout).toBe(0.1);
        expect(loaded.state).toEqual({ epoch: 4, step: 40 });
        const p1 = model.predict(x);
        const p2 = loaded.model.predict(x);
        expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
        tf.dispose([p1, p2]);
        // Optimizer state comes back under the new model's variable names.
        const [w0, w1] = loaded.model.trainableVariables;
        expect(w0.name).not.toBe(v0.name);
        expect(Object.keys(loaded.optimizerState!).sort()).toEqual([`m/${w0.name}`, `v/${w1.name}`].sort());
        expect(Array.from(loaded.optimizerState![`v/${w1.name}`].dataSync())).toEqual(new Array(w1.size).fill(2));
      } finally {
        tf.dispose(Object.values(loaded.optimizerState ?? {}));
        loaded.model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose(Object.values(optimizerState));
      x.dispose();
      model.dispose();
    }
  });

  it('renames optimizer state between variable names and state-dict keys, both ways', () => {
    const a = createModel('tiny_cnn', { seed: 1 });
    const b = createModel('tiny_cnn', { seed: 1 });
    try {
      const va = a.trainableVariables[0];
      const vb = b.trainableVariables[0];
      const byKey = optimizerStateByKey(a, { [`m/${va.name}`]: 1, step: 2 });
      expect(byKey).toEqual({ 'm/features.0.0.weight': 1, step: 2 });
      expect(optimizerStateByVariable(b, byKey)).toEqual({ [`m/${vb.name}`]: 1, step: 2 });
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('overwrites an existing checkpoint atomically and refuses a folder that is not one', async () => {
    const model = createModel('tiny_cnn', { seed: 1 });
    try {
      const ckpt = path.join(dir, 'last');
      await saveCheckpoint(ckpt, model);
      await saveCheckpoint(ckpt, model, { state: { epoch: 2 } });
      const loaded = await loadCheckpoint(ckpt);
      expect(loaded.state).toEqual({ epoch: 2 });
      expect(loaded.optimizerState).toBeNull();
      loaded.model.dispose();
      await expect(loadCheckpoint(dir)).rejects.toThrow(/not a checkpoint/);
    } finally {
      model.dispose();
    }
  });
});
