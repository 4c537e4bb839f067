import type * as tf from '@tensorflow/tfjs';

/** What the loop needs of a network: logits for an NHWC batch, and the variables an optimizer updates. */
export interface TrainableModel {
  /** Logits [n, numClasses]. `training` switches BatchNorm to batch statistics and enables dropout/drop-path. */
  apply(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  readonly trainableVariables: readonly tf.Variable[];
}

/** One batch as the data pipeline delivers it: NHWC float images already normalised, integer labels. */
export interface ImageBatch {
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
  readonly labels: Int32Array;
  readonly names: readonly string[];
  /** Hands `images` back to its loader for reuse; called once the step's tensors are disposed. */
  readonly release?: () => void;
}
