import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '@dfl/core';

/**
 * Weight initialisers of torchvision / timm, drawn from our seeded generator (not tfjs's) so a seed gives the same
 * model on every backend. Shapes are in our (NHWC) layout; fan-in / fan-out are computed as PyTorch does.
 * Without a generator (`null`) they give zeros: a structure-only build, for counting parameters quickly.
 */
// Bound once: looking `Math` up on every call is ~20x slower inside jest's sandboxed global (11M draws for resnet18).
const { log, sqrt, cos, sin, PI } = Math;

/** N(0, std²) by Box–Muller over the generator's uniforms (two normals per pair of uniforms). */
export function normalInit(rng: SeededRandom | null, shape: number[], std: number): tf.Tensor {
  if (!rng) return tf.zeros(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const u = 1 - rng.next(); // (0, 1]: log(u) finite
    const angle = 2 * PI * rng.next();
    const r = std * sqrt(-2 * log(u));
    values[i] = r * cos(angle);
    if (i + 1 < size) values[i + 1] = r * sin(angle);
  }
  return tf.tensor(values, shape, 'float32');
}

export function uniformInit(rng: SeededRandom | null, shape: number[], bound: number): tf.Tensor {
  if (!rng) return tf.zeros(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(-bound, bound);
  return tf.tensor(values, shape, 'float32');
}

/** `nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu')`: fan_out = out_channels * kh * kw. */
export function kaimingNormalFanOut(rng: SeededRandom | null, shape: number[], fanOut: number): tf.Tensor {
  return normalInit(rng, shape, Math.sqrt(2 / fanOut));
}
