import * as tf from '@tensorflow/tfjs';

/**
 * Sum over every axis but the last (channels) of an NHWC tensor, as a [1, M] x [M, C] matrix product: one read
 * of the tensor in XNNPACK, where the wasm Sum kernel first transposes the reduced axes innermost.
 */
export function channelSum(t: tf.Tensor): tf.Tensor1D {
  const c = t.shape[t.rank - 1];
  const m = t.size / c;
  return tf.reshape(tf.matMul(tf.ones([1, m]), tf.reshape(t, [m, c])), [c]);
}

/**
 * The FusedBatchNorm gradient tfjs 4.22 ships tiles 1/sqrt(var) to the full activation size and reduces
 * full-size products one by one. This one broadcasts instead of tiling and gets the per-channel terms from two
 * channel sums (Σdy and Σdy·x); same mathematics, a few full-size passes instead of a dozen.
 */
export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const [x, mean, variance, scale] = saved;
    const eps = attrs.varianceEpsilon as number;
    if (mean.rank !== 1 || x.rank < 2) return stockGrad(g, saved, attrs);
    const c = x.shape[x.rank - 1];
    const gamma = scale ?? tf.ones([c]);
    // Eager: the thunks below run in separate tidy scopes and share these [C] terms.
    const rstd = tf.rsqrt(tf.add(variance, eps));
    const sumDy = channelSum(g);
    // Σ dy·(x - mean) = Σ dy·x - mean·Σ dy, without materialising x - mean.
    const sumDyXc = tf.sub(channelSum(tf.mul(g, x)), tf.mul(mean, sumDy));
    const gRstd = tf.mul(gamma, rstd);
    return {
      x: () => tf.mul(g, gRstd),
      mean: () => tf.neg(tf.mul(gRstd, sumDy)),
      variance: () => tf.mul(tf.mul(tf.mul(gRstd, tf.square(rstd)), sumDyXc), -0.5),
      scale: () => tf.mul(sumDyXc, rstd),
      offset: () => sumDy,
    };
  },
};

let stock: tf.GradConfig | undefined;

function stockGrad(dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> {
  if (stock === undefined) throw new Error('the stock FusedBatchNorm gradient was not kept');
  return stock.gradFunc(dy, saved, attrs) as Record<string, () => tf.Tensor>;
}

/** Installs the cheaper FusedBatchNorm gradient (all backends; idempotent). */
export function registerBatchNormGradient(): void {
  const current = tf.getGradient('FusedBatchNorm');
  if (current === fusedBatchNormGradConfig) return;
  stock = current;
  tf.registerGradient(fusedBatchNormGradConfig);
}

/** Puts tfjs's own FusedBatchNorm gradient back (benchmarks compare the two). */
export function unregisterBatchNormGradient(): void {
  if (stock !== undefined && tf.getGradient('FusedBatchNorm') === fusedBatchNormGradConfig) tf.registerGradient(stock);
}
