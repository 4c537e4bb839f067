import * as tf from '@tensorflow/tfjs';

type Attrs = Parameters<tf.GradConfig['gradFunc']>[2];
type GradientMap = ReturnType<tf.GradConfig['gradFunc']>;

/**
 * Replaces tfjs' gradient of `kernelName` with `nativeGrad` while `backendName` is the active backend, keeping tfjs'
 * own for every other backend and whenever `nativeGrad` declines (returns null): gradients are global in tfjs,
 * kernels are per backend. Idempotent: the replacement is marked, and a marked gradient is left as it is.
 */
export function overrideGradient(
  kernelName: string,
  backendName: string,
  nativeGrad: (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => GradientMap | null,
): void {
  const stock = tf.getGradient(kernelName);
  if (!stock || (stock as { dflNative?: boolean }).dflNative) return;
  const config: tf.GradConfig & { dflNative: boolean } = {
    ...stock,
    dflNative: true,
    gradFunc: (dy, saved, attrs) =>
      (tf.getBackend() === backendName ? nativeGrad(dy as tf.Tensor, saved, attrs) : null) ?? stock.gradFunc(dy, saved, attrs),
  };
  tf.registerGradient(config);
}
