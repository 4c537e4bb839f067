import * as tf from '@tensorflow/tfjs';
import { AdamStep } from './adam-step';
import { SgdStep } from './sgd-step';
import type { ParameterOptimizer } from './parameter-optimizer';
import fixture from '../../fixtures/optimizer-trajectories.json';

// Trajectories from torch.optim (fixtures/make_optimizer_fixtures.py). Float32 here vs float64 there: 1e-5.
const makers: Record<string, () => ParameterOptimizer> = {
  adam: () => new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false }),
  adamw: () => new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true }),
  sgd_nesterov: () => new SgdStep({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  sgd_momentum: () => new SgdStep({ momentum: 0.8, nesterov: false, weightDecay: 0 }),
  sgd_plain: () => new SgdStep({ momentum: 0, nesterov: false, weightDecay: 0 }),
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(Object.keys(makers))('%s matches torch.optim', (name) => {
  it('follows the PyTorch trajectory with a changing learning rate, leaking no tensors', () => {
    const opt = makers[name]();
    const w = tf.variable(tf.tensor1d(fixture.w0), true, `w_${name}`);
    const x = tf.tensor1d(fixture.x);
    const before = tf.memory().numTensors;
    const expected = (fixture.cases as Record<string, number[][]>)[name];
    fixture.lrs.forEach((lr, i) => {
      const { value, grads } = tf.variableGrads(() => w.mul(x).sum().add(w.square().sum().mul(0.5)) as tf.Scalar, [w]);
      opt.step([w], grads, lr);
      tf.dispose([value, grads]);
      const got = Array.from(w.dataSync());
      got.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5));
    });
    const slots = Object.keys(opt.getState()).length;
    expect(tf.memory().numTensors - before).toBe(slots);
    opt.dispose();
    tf.dispose([w, x]);
  });
});

describe('optimizer state', () => {
  it('resumes Adam from saved state exactly', () => {
    const settings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false };
    const x = tf.tensor1d(fixture.x);
    const loss = (w: tf.Variable) => () => w.mul(x).sum().add(w.square().sum().mul(0.5)) as tf.Scalar;
    const a = new AdamStep(settings);
    const wa = tf.variable(tf.tensor1d(fixture.w0), true, 'wa');
    for (let i = 0; i < 2; i++) {
      const { value, grads } = tf.variableGrads(loss(wa), [wa]);
      a.step([wa], grads, 0.1);
      tf.dispose([value, grads]);
    }
    // a second optimizer takes over from the first one's state, under the same variable name
    const b = new AdamStep(settings);
    const state = a.getState();
    b.stepCount = a.stepCount;
    const wb = tf.variable(wa.clone(), true, 'wb');
    const renamed = Object.fromEntries(Object.entries(state).map(([k, t]) => [k.replace('wa', 'wb'), t]));
    b.setState(renamed);
    const ra = tf.variableGrads(loss(wa), [wa]);
    const rb = tf.variableGrads(loss(wb), [wb]);
    const ga = ra.grads;
    const gb = rb.grads;
    a.step([wa], ga, 0.1);
    b.step([wb], gb, 0.1);
    expect(Array.from(wb.dataSync())).toEqual(Array.from(wa.dataSync()));
    tf.dispose([ra.value, rb.value, ga, gb, wa, wb, x]);
    a.dispose();
    b.dispose();
  });
});
