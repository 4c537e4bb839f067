import * as tf from '@tensorflow/tfjs';
import { UnknownPluginError, UserError } from '@dfl/core';
import { selectEngine } from '../engine';
import { createModel, resolveBackboneOptions } from './create-model';

beforeAll(async () => {
  try {
    await selectEngine('wasm'); // the cpu backend's conv filter gradient is slow even for tiny_cnn
  } catch {
    await selectEngine('cpu');
  }
});

describe('createModel', () => {
  it('builds torchvision resnet18 with a 2-class head: 11,177,538 trainable parameters', () => {
    const model = createModel('resnet18', { numClasses: 2 });
    try {
      expect(model.countParams()).toBe(11_177_538);
      expect(model.config).toMatchObject({ backbone: 'resnet18', numClasses: 2, options: { dropout: 0, drop_path: 0 } });
      expect(model.config.input.size).toBe(224);
    } finally {
      model.dispose();
    }
  });

  it('names an unknown backbone and lists the valid ones', () => {
    expect(() => createModel('resnet19')).toThrow(UnknownPluginError);
    expect(() => createModel('resnet19')).toThrow(/valid: .*resnet18.*tiny_cnn/);
  });

  it('rejects invalid options and numClasses with a user error', () => {
    expect(() => createModel('tiny_cnn', { dropout: 1.5 })).toThrow(UserError);
    expect(() => createModel('tiny_cnn', { dropout: 1.5 })).toThrow(/\/dropout/);
    expect(() => createModel('tiny_cnn', { numClasses: 0 })).toThrow(/numClasses/);
  });

  it('accepts drop_path only where there are residual branches to drop', () => {
    expect(resolveBackboneOptions('efficientnet_b0')).toEqual({ dropout: 0.2, drop_path: 0.2 });
    expect(resolveBackboneOptions('mobilenet_v2')).toEqual({ dropout: 0.2 });
    expect(() => resolveBackboneOptions('mobilenet_v2', { drop_path: 0.1 })).toThrow(/drop_path/);
    expect(() => createModel('tiny_cnn', { dropPath: 0.1 })).toThrow(UserError);
    const m = createModel('tiny_cnn', { dropPath: 0 }); // 0 is "none": fine for any backbone
    expect(m.config.options).toEqual({ dropout: 0 });
    m.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const a = createModel('tiny_cnn', { seed: 7 });
    const b = createModel('tiny_cnn', { seed: 7 });
    const c = createModel('tiny_cnn', { seed: 8 });
    try {
      const w = (m: typeof a) => Array.from(m.namedVariables().get('features.0.0.weight')!.variable.dataSync());
      expect(w(a)).toEqual(w(b));
      expect(w(a)).not.toEqual(w(c));
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });
});

describe('BackboneModel (tiny_cnn)', () => {
  it('updates BatchNorm running statistics in training mode only, and uses them in inference', () => {
    const model = createModel('tiny_cnn', { numClasses: 3 });
    const x = tf.randomNormal([4, 16, 16, 3], 2, 1, 'float32', 1);
    try {
      const mean = model.namedVariables().get('features.0.1.running_mean')!.variable;
      const before = Array.from(mean.dataSync());
      tf.dispose(model.predict(x));
      expect(Array.from(mean.dataSync())).toEqual(before);
      const p1 = model.predict(x);
      tf.dispose(model.apply(x, { training: true }));
      const after = Array.from(mean.dataSync());
      expect(after).not.toEqual(before);
      const p2 = model.predict(x);
      expect(Array.from(p2.dataSync())).not.toEqual(Array.from(p1.dataSync()));
      expect(p2.shape).toEqual([4, 3]);
      tf.dispose([p1, p2]);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('excludes BatchNorm running statistics from trainable variables and the parameter count', () => {
    const model = createModel('tiny_cnn');
    try {
      const all = [...model.namedVariables().entries()];
      const buffers = all.filter(([k]) => k.endsWith('running_mean') || k.endsWith('running_var'));
      expect(buffers.length).toBe(6);
      expect(model.trainableVariables.length).toBe(all.length - buffers.length);
      const total = all.reduce((n, [, p]) => n + p.variable.size, 0);
      const bufferSize = buffers.reduce((n, [, p]) => n + p.variable.size, 0);
      expect(model.countParams()).toBe(total - bufferSize);
    } finally {
      model.dispose();
    }
  });

  it('learns: a few SGD steps with optimizer.minimize lower the loss, without leaking tensors', () => {
    const model = createModel('tiny_cnn', { seed: 3 });
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const optimizer = tf.train.sgd(0.1);
    try {
      const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })) as tf.Scalar;
      const step = () => {
        const l = optimizer.minimize(loss, true, model.trainableVariables)!;
        const v = l.dataSync()[0];
        l.dispose();
        return v;
      };
      const first = step();
      const start = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 5; i++) last = step();
      expect(tf.memory().numTensors).toBe(start);
      expect(last).toBeLessThan(first);
    } finally {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    }
  });
});
