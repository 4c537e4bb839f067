import * as tf from '@tensorflow/tfjs';
import { AdamStep, SgdStep, type ParameterOptimizer } from '@dfl/training';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { describeNative, randomInput, runOn } from '../testing/compare';
import { ADAM_UPDATE, AdamUpdateAttrs, SGD_MOMENTUM_UPDATE, SgdMomentumUpdateAttrs } from './optimizer';

/** AdamStep's composite (libs/training/src/optimizer-steps/adam-step.ts) for one variable: [p', m', v']. */
function adamComposite(a: AdamUpdateAttrs, p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor): tf.Tensor[] {
  if (a.weightDecay > 0 && !a.decoupled) g = g.add(p.mul(a.weightDecay));
  const m1 = m.mul(a.beta1).add(g.mul(1 - a.beta1));
  const v1 = v.mul(a.beta2).add(g.square().mul(1 - a.beta2));
  const denom = v1.div(a.bc2).sqrt().add(a.eps);
  let next = p.sub(m1.div(denom).mul(a.lr / a.bc1));
  if (a.weightDecay > 0 && a.decoupled) next = next.sub(p.mul(a.lr * a.weightDecay));
  return [next, m1, v1];
}

/** SgdStep's composite with an existing momentum buffer: [p', buffer']. */
function sgdComposite(a: SgdMomentumUpdateAttrs, p: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
  if (a.weightDecay > 0) g = g.add(p.mul(a.weightDecay));
  const b1 = b.mul(a.momentum).add(g);
  const u = a.nesterov ? g.add(b1.mul(a.momentum)) : b1;
  return [p.sub(u.mul(a.lr)), b1];
}

/**
 * Elements where got differs from want. The kernels do the composites' float32 operations in their order without
 * FMA contraction, and tfjs' cpu kernels round each +, -, *, / and sqrt from double to float32, which gives the
 * correctly rounded float32 result: so the two agree bit for bit, not just within a tolerance.
 */
function mismatches(want: Float32Array, got: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) bad++;
  return bad;
}

/** Second moments are non-negative: |N(0, 1)| scaled down, as after a few steps of small gradients. */
function moments(shape: number[]): { shape: number[]; values: Float32Array } {
  const input = randomInput(shape, 1e-3);
  input.values = input.values.map((x) => x * x);
  return input;
}

const shapes = [[5], [3, 3, 4, 7], [64], [3, 3, 64, 64]]; // the last one runs threaded (36,864 elements)
const adamCases: [string, Partial<AdamUpdateAttrs>][] = [
  ['no decay', { weightDecay: 0, decoupled: false }],
  ['L2 decay (Adam)', { weightDecay: 0.01, decoupled: false }],
  ['decoupled decay (AdamW)', { weightDecay: 0.05, decoupled: true }],
];

describeNative('DflAdamUpdate equals AdamStep\'s composite on cpu, bit for bit', () => {
  it.each(adamCases.flatMap(([name, c]) => shapes.map((s) => [`${name}, p [${s}]`, c, s] as const)))('%s', (_name, c, shape) => {
    const t = 7;
    const attrs: AdamUpdateAttrs = {
      beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, lr: 3e-4,
      bc1: 1 - 0.9 ** t, bc2: 1 - 0.999 ** t, ...c,
    };
    const inputs = [randomInput(shape), randomInput(shape, 0.1), randomInput(shape, 0.01), moments(shape)];
    const want = runOn('cpu', inputs, (p, g, m, v) => adamComposite(attrs, p, g, m, v));
    resetNativeKernelStats();
    const got = runOn('native', inputs, (p, g, m, v) =>
      tf.engine().runKernel(ADAM_UPDATE, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]);
    tf.setBackend('cpu');
    expect(nativeKernelStats().adamUpdate?.calls).toBe(1);
    want.forEach((w, i) => expect(mismatches(w, got[i])).toBe(0));
  });
});

describeNative('DflSgdMomentumUpdate equals SgdStep\'s composite on cpu, bit for bit', () => {
  const cases: [string, SgdMomentumUpdateAttrs][] = [
    ['momentum', { momentum: 0.8, nesterov: false, weightDecay: 0, lr: 0.05 }],
    ['nesterov + decay', { momentum: 0.9, nesterov: true, weightDecay: 1e-3, lr: 0.1 }],
  ];
  it.each(cases.flatMap(([name, c]) => shapes.map((s) => [`${name}, p [${s}]`, c, s] as const)))('%s', (_name, attrs, shape) => {
    const inputs = [randomInput(shape), randomInput(shape, 0.1), randomInput(shape, 0.1)];
    const want = runOn('cpu', inputs, (p, g, b) => sgdComposite(attrs, p, g, b));
    resetNativeKernelStats();
    const got = runOn('native', inputs, (p, g, b) =>
      tf.engine().runKernel(SGD_MOMENTUM_UPDATE, { p, g, buffer: b }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]);
    tf.setBackend('cpu');
    expect(nativeKernelStats().sgdUpdate?.calls).toBe(1);
    want.forEach((w, i) => expect(mismatches(w, got[i])).toBe(0));
  });
});

/** Five steps of `make()` on two variables with a changing lr; the variables' and the state's values after each. */
function trajectory(backend: string, make: () => ParameterOptimizer): { values: number[][]; leaked: number } {
  tf.setBackend(backend);
  const opt = make();
  const w = [tf.variable(tf.tensor(randomSeeded([4, 5], 1), [4, 5]), true, 'w0'), tf.variable(tf.tensor(randomSeeded([9], 2)), true, 'w1')];
  const x = [tf.tensor(randomSeeded([4, 5], 3), [4, 5]), tf.tensor(randomSeeded([9], 4))];
  const before = tf.memory().numTensors;
  const values: number[][] = [];
  [0.1, 0.05, 0.05, 0.02, 0.01].forEach((lr) => {
    const loss = () => tf.addN(w.map((wi, i) => wi.mul(x[i]).sum().add(wi.square().sum().mul(0.5)))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, w);
    opt.step(w, grads, lr);
    tf.dispose([value, grads]);
    values.push(...w.map((wi) => Array.from(wi.dataSync())));
    for (const s of Object.values(opt.getState())) values.push(Array.from(s.dataSync()));
  });
  const leaked = tf.memory().numTensors - before - Object.keys(opt.getState()).length;
  opt.dispose();
  tf.dispose([...w, ...x]);
  tf.setBackend('cpu');
  return { values, leaked };
}

/** Deterministic values in [-1, 1) that do not depend on the active backend. */
function randomSeeded(shape: number[], seed: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) % 1);
}

describeNative('AdamStep and SgdStep on native use the one-pass kernels and follow their cpu trajectory', () => {
  const makers: [string, () => ParameterOptimizer, string][] = [
    ['adam', () => new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false }), 'adamUpdate'],
    ['adamw', () => new AdamStep({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true }), 'adamUpdate'],
    ['sgd nesterov', () => new SgdStep({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), 'sgdUpdate'],
    ['sgd momentum', () => new SgdStep({ momentum: 0.8, nesterov: false, weightDecay: 0 }), 'sgdUpdate'],
  ];
  it.each(makers)('%s', (_name, make, stat) => {
    const want = trajectory('cpu', make);
    resetNativeKernelStats();
    const got = trajectory('native', make);
    // Adam: every step of both variables; SGD: the steps after the first (which starts the buffer from g).
    expect(nativeKernelStats()[stat]?.calls).toBe(stat === 'adamUpdate' ? 10 : 8);
    expect(got.leaked).toBe(0);
    expect(want.leaked).toBe(0);
    expect(got.values.length).toBe(want.values.length);
    expect(got.values).toEqual(want.values); // bit for bit (see mismatches)
  });
});
