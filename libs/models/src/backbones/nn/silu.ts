import * as tf from '@tensorflow/tfjs';

/**
 * Kernel names `@dfl/native-engine` registers on its `native` backend only (the contract is by name, so this
 * library never imports the optional package): SiLU in one pass with a one-pass gradient, and convolutions with
 * bias + SiLU fused into the oneDNN primitive (FusedConv2D's inputs and attributes plus activation 'silu', which
 * tfjs' own fused ops do not have; inference only).
 */
export const SILU_KERNEL = 'DflSilu';
export const FUSED_CONV2D_SILU_KERNEL = 'DflFusedConv2D';
export const FUSED_DEPTHWISE_CONV2D_SILU_KERNEL = 'DflFusedDepthwiseConv2D';

/** Whether the active backend has `kernelName` (one of the names above). */
export function backendHas(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

/**
 * SiLU / swish, x * sigmoid(x) (PyTorch's nn.SiLU). On `native` one kernel forward and one backward (tfjs
 * composes it from Sigmoid and Multiply: two full-size passes forward and four or five in the gradient); on every
 * other backend that composition, so their results and gradients are tfjs' own.
 */
export function silu(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && backendHas(SILU_KERNEL)) return tf.engine().runKernel(SILU_KERNEL, { x }, {}) as tf.Tensor;
  return tf.mul(x, tf.sigmoid(x));
}
