import * as tf from '@tensorflow/tfjs';
import type { ImageBatch, TrainableModel } from './trainable-model';

export interface ScoredBatch {
  readonly names: readonly string[];
  readonly labels: Int32Array;
  /** Logits [n, K] of each view, in the order the views were given. */
  readonly viewLogits: Float32Array[];
  readonly numClasses: number;
}

/**
 * Runs the model in inference mode over batches whose views (TTA) were produced by the data pipeline: each item
 * of `viewBatches` is the same images under every view. Combining views is the data pipeline's job (one TTA
 * implementation for evaluation, promote and the test API).
 */
export async function* predictViews(
  model: TrainableModel,
  viewBatches: AsyncIterable<readonly ImageBatch[]>,
): AsyncGenerator<ScoredBatch> {
  for await (const views of viewBatches) {
    const viewLogits: Float32Array[] = [];
    let numClasses = 0;
    for (const view of views) {
      const logits = tf.tidy(() => model.apply(tf.tensor4d(view.images, [...view.shape] as [number, number, number, number]), false));
      view.release?.(); // the input tensor went with the tidy: the loader may refill the array
      numClasses = logits.shape[1];
      viewLogits.push((await logits.data()) as Float32Array);
      logits.dispose();
    }
    yield { names: views[0].names, labels: views[0].labels, viewLogits, numClasses };
  }
}
