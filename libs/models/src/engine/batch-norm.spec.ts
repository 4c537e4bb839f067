import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@dfl/core';
import { fusedBatchNormGradConfig, registerBatchNormGradient, unregisterBatchNormGradient } from './batch-norm-gradient';
import { batchNormTraining } from './batch-norm-training';
import { loadNativeEngine, NATIVE_BACKEND } from './native-engine-loader';

const EPS = 1e-5;

function rand(rng: SeededRandom, shape: number[], scale = 1, offset = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * rng.normal();
  return tf.tensor(a, shape);
}

function relErr(got: tf.Tensor, want: tf.Tensor): number {
  const g = got.dataSync();
  const w = want.dataSync();
  expect(g.length).toBe(w.length);
  let d = 0;
  let s = 1e-12;
  for (let i = 0; i < w.length; i++) {
    d = Math.max(d, Math.abs(g[i] - w[i]));
    s = Math.max(s, Math.abs(w[i]));
  }
  return d / s;
}

/** Loss = Σ BN(x)·r for a fixed random r; returns [y, dx, dgamma, dbeta]. */
function bnGrads(bn: (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor, x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(bn(xx, gg as tf.Tensor1D, bb as tf.Tensor1D), r));
  const { value, grads } = tf.valueAndGrads(f)([x, g, b]);
  return [bn(x, g as tf.Tensor1D, b as tf.Tensor1D), value, ...grads];
}

const reference = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, b, g, EPS);
};

type Values = { data: Float32Array; shape: number[] };

/** x (offset, wider), gamma (around 1), beta, and the loss weights r, as plain values any backend can load. */
function bnInputs(rng: SeededRandom, shape: number[]): Values[] {
  return [rand(rng, shape, 3, -1), rand(rng, [shape[3]], 0.5, 1), rand(rng, [shape[3]]), rand(rng, shape)].map((t) => {
    const v = { data: t.dataSync().slice() as Float32Array, shape: t.shape };
    t.dispose();
    return v;
  });
}

/** {@link bnGrads} of `bn` on `backend`, the results copied out so they outlive a backend switch. */
async function bnGradsOn(backend: string, bn: typeof reference, vals: Values[]): Promise<tf.Tensor[]> {
  await tf.setBackend(backend);
  const [x, g, b, r] = vals.map((v) => tf.tensor(v.data, v.shape));
  const out = bnGrads(bn, x, g, b, r).map((t) => tf.tensor(t.dataSync().slice(), t.shape));
  tf.dispose([x, g, b, r]);
  return out;
}

describe('BatchNorm gradients', () => {
  afterEach(() => unregisterBatchNormGradient());

  const shapes: [number[]][] = [[[2, 5, 7, 3]], [[4, 3, 3, 8]], [[1, 6, 5, 2]]];

  it.each(shapes)('the cheaper FusedBatchNorm gradient equals tfjs\'s own on cpu (x %j, through tf.moments)', async (shape) => {
    await tf.setBackend('cpu');
    const rng = new SeededRandom(shape[3]);
    const [x, g, b, r] = [rand(rng, shape, 2, 0.5), rand(rng, [shape[3]], 0.5, 1), rand(rng, [shape[3]]), rand(rng, shape)];
    const want = bnGrads(reference, x, g, b, r);
    registerBatchNormGradient();
    expect(tf.getGradient('FusedBatchNorm')).toBe(fusedBatchNormGradConfig);
    const got = bnGrads(reference, x, g, b, r);
    for (let i = 0; i < want.length; i++) expect(relErr(got[i], want[i])).toBeLessThan(1e-4);
    tf.dispose([x, g, b, r, ...want, ...got]);
  });

  it.each(shapes)('batchNormTraining on wasm equals moments + batchNorm on cpu: output, statistics and gradients (x %j)', async (shape) => {
    const rng = new SeededRandom(100 + shape[0]);
    const vals = bnInputs(rng, shape);
    const want = await bnGradsOn('cpu', reference, vals);
    const got = await bnGradsOn('wasm', (x, g, b) => batchNormTraining(x, g, b, EPS).y, vals);
    for (let i = 0; i < want.length; i++) expect(relErr(got[i], want[i])).toBeLessThan(1e-4);
    await tf.setBackend('wasm');
    const x = tf.tensor(vals[0].data, vals[0].shape);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const fused = batchNormTraining(x, tf.ones([shape[3]]), tf.zeros([shape[3]]), EPS);
    expect(relErr(fused.mean, mean)).toBeLessThan(1e-5);
    expect(relErr(fused.variance, variance)).toBeLessThan(1e-5);
  });

  it('batchNormTraining leaves no tensors behind in a gradient computation', async () => {
    await tf.setBackend('wasm');
    const rng = new SeededRandom(3);
    const [x, g, b] = [rand(rng, [2, 4, 4, 3]), rand(rng, [3]), rand(rng, [3])];
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    const grads = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(batchNormTraining(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, EPS).y)))([x, g, b]);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose(grads);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose([x, g, b]);
  });

  const native = loadNativeEngine().module;
  const nativeReady = (() => {
    if (!native?.nativeBatchNormTraining) return false;
    const r = native.registerNativeBackend() as { ok?: boolean } | undefined;
    return r?.ok !== false;
  })();
  (nativeReady ? it : it.skip)('on the native backend batchNormTraining runs the addon\'s kernels and equals the cpu reference', async () => {
    const shape = [3, 5, 4, 6];
    const rng = new SeededRandom(7);
    const vals = bnInputs(rng, shape);
    const want = await bnGradsOn('cpu', reference, vals);
    const got = await bnGradsOn(NATIVE_BACKEND, (x, g, b) => batchNormTraining(x, g, b, EPS).y, vals);
    for (let i = 0; i < want.length; i++) expect(relErr(got[i], want[i])).toBeLessThan(1e-4);
    await tf.setBackend(NATIVE_BACKEND);
    const x = tf.tensor(vals[0].data, vals[0].shape);
    const profile = await tf.profile(() =>
      tf.grads((xx: tf.Tensor) => tf.sum(batchNormTraining(xx, tf.ones([shape[3]]), tf.zeros([shape[3]]), EPS).y))([x]));
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain('DflBatchNormStats');
    expect(kernels).toContain('DflBatchNormGrad');
    x.dispose();
    await tf.setBackend('cpu');
  });
});
