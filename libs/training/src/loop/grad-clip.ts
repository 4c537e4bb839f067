import * as tf from '@tensorflow/tfjs';

/**
 * Scales gradients so their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_). Returns new
 * tensors (the caller disposes the old ones) and the norm before clipping.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const names = Object.keys(grads);
  const norm = tf.tidy(() => {
    const squares = names.map((n) => grads[n].square().sum());
    return tf.addN(squares).sqrt().dataSync()[0];
  });
  const scale = Math.min(1, maxNorm / (norm + 1e-6));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = scale < 1 ? tf.mul(grads[n], scale) : tf.clone(grads[n]);
  return { grads: out, norm };
}
