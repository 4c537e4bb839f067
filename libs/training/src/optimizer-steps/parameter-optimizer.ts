import * as tf from '@tensorflow/tfjs';

/**
 * One optimizer step over named variables, with PyTorch's semantics (the recipes we reproduce are PyTorch's; tfjs'
 * built-in optimizers differ: Adam's epsilon default, coupled weight decay, no AdamW). State is explicit so a run
 * can be checkpointed and resumed.
 */
export interface ParameterOptimizer {
  readonly name: string;
  /** Applies one update with learning rate `lr` for every variable that has a gradient. Disposes nothing it got. */
  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number): void;
  /** Optimizer state (moments, step counts) by name, for checkpoints. Tensors stay owned by the optimizer. */
  getState(): tf.NamedTensorMap;
  /** Restores state saved by getState (copies the tensors). */
  setState(state: tf.NamedTensorMap): void;
  dispose(): void;
}

/** The backend on which `@dfl/native-engine` registers its one-pass optimizer kernels. */
const NATIVE_BACKEND = 'native';

/**
 * Whether the optimizer kernel `kernelName` (one of `@dfl/native-engine`'s, by name) can run now: the active
 * backend is `native` and has it. Every other backend keeps the tfjs composites.
 */
export function nativeKernel(kernelName: string): boolean {
  const backend = tf.getBackend();
  return backend === NATIVE_BACKEND && tf.getKernel(kernelName, backend) !== undefined;
}
