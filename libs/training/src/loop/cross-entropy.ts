import * as tf from '@tensorflow/tfjs';

/**
 * Mean classification loss for a [real, fake] head, with PyTorch's label smoothing:
 * - K ≥ 2 logits: softmax cross-entropy (nn.CrossEntropyLoss(label_smoothing=ε)), target (1-ε)·onehot + ε/K;
 * - K = 1 logit: sigmoid binary cross-entropy (nn.BCEWithLogitsLoss) on the smoothed target y(1-ε) + ε/2.
 * Both computed from log-(soft)max terms for stability.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing = 0): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[1];
    if (k === 1) {
      const z = logits.reshape([-1]);
      const y = labels.toFloat().mul(1 - labelSmoothing).add(labelSmoothing / 2);
      // log(1 + e^-|z|) + max(z, 0) - z*y, the stable form of BCE with logits
      return tf.relu(z).sub(z.mul(y)).add(tf.log1p(tf.exp(z.abs().neg()))).mean() as tf.Scalar;
    }
    const logProbs = tf.logSoftmax(logits);
    let target = tf.oneHot(labels.toInt(), k).toFloat();
    if (labelSmoothing > 0) target = target.mul(1 - labelSmoothing).add(labelSmoothing / k);
    return target.mul(logProbs).sum(1).neg().mean() as tf.Scalar;
  });
}

/** Probability of class 1 (deepfake) from logits: softmax for a 2-way head, sigmoid for a single logit. */
export function fakeProbability(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => (logits.shape[1] === 1 ? tf.sigmoid(logits.reshape([-1])) : tf.softmax(logits).slice([0, 1], [-1, 1]).reshape([-1])) as tf.Tensor1D);
}
