import * as tf from '@tensorflow/tfjs';
import { registerNativeBackend } from '../backend';

tf.env().set('IS_TEST', true); // no "install tfjs-node" banner in test output

const registration = registerNativeBackend({ threads: 2 });
if (!registration.ok) {
  console.warn(`@dfl/native-engine tests skipped: ${registration.reason}`);
}

/** `describe` when the addon is built and registered, `describe.skip` (with the reason printed once) otherwise. */
export const describeNative: jest.Describe = registration.ok ? describe : describe.skip;

let seed = 1;
/** Inputs as plain arrays, so each backend builds its own tensors from the same numbers. */
export function randomInput(shape: number[], scale = 1): { shape: number[]; values: Float32Array } {
  const t = tf.tidy(() => tf.randomNormal(shape, 0, scale, 'float32', seed++));
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return { shape, values: Float32Array.from(values) };
}

type Input = { shape: number[]; values: Float32Array };

/** Runs `f` on `backend` with fresh tensors made from `inputs`; returns every output's values. */
export function runOn(backend: string, inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const out = f(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync() as Float32Array));
  });
}

/** Largest |native - cpu| over the outputs, relative to the largest |cpu| value (at least 1). */
export function relativeError(cpu: Float32Array[], native: Float32Array[]): number {
  let worst = 0;
  cpu.forEach((ref, i) => {
    const got = native[i];
    if (got.length !== ref.length) throw new Error(`output ${i}: ${got.length} values, expected ${ref.length}`);
    let scale = 1;
    for (const v of ref) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < ref.length; j++) worst = Math.max(worst, Math.abs(got[j] - ref[j]) / scale);
  });
  return worst;
}

/**
 * Largest |got - want| relative to the largest |want| itself, with no floor of 1: for outputs far below 1 (a
 * gradient, values near a mean) {@link relativeError}'s floor would make this an absolute tolerance.
 */
export function relativeToLargest(want: Float32Array, got: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  return diff / scale;
}

/** The relative error between the `native` and `cpu` backends for `f` on `inputs`. */
export function compareBackends(inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): number {
  const cpu = runOn('cpu', inputs, f);
  const native = runOn('native', inputs, f);
  tf.setBackend('cpu');
  return relativeError(cpu, native);
}

/** The kernels tfjs ran (by name) while `f` ran on `native`, to prove the native path was taken. */
export function kernelsRun(inputs: Input[], f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  tf.setBackend('native');
  return tf
    .profile(() => {
      const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
      const out = f(...xs);
      return out;
    })
    .then((p) => {
      tf.setBackend('cpu');
      return p.kernels.map((k) => k.name);
    });
}

export const TOLERANCE = 2e-5;
