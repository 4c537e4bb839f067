import type * as tf from '@tensorflow/tfjs';
import { tryRequire } from './optional-module';

/**
 * The contract with `@dfl/native-engine` (issue 10), kept in this one file: the package exports
 * `registerNativeBackend()`, which registers a tfjs backend named 'native' (oneDNN kernels over the cpu
 * backend's storage) and returns `{ ok: true, threads, kernels }` or `{ ok: false, reason }` when its addon or
 * oneDNN is missing (a throw is treated the same). Optional: `nativeEngineInfo()` -> { threads, onednnVersion }.
 */
export const NATIVE_PACKAGE = '@dfl/native-engine';
export const NATIVE_BACKEND = 'native';

export type NativeRegistration = { ok: true; threads?: number; kernels?: string[] } | { ok: false; reason: string };

/** The activations the native training BatchNorm can apply in its own passes (forward and gradient). */
export type NativeBatchNormActivation = 'relu' | 'relu6' | 'silu';

/**
 * Kernel the package registers on `native` when its training BatchNorm takes `activation`: checked by name before
 * passing one, since a package without it would ignore the argument and return BatchNorm alone.
 */
export const NATIVE_BATCH_NORM_ACT_KERNEL = 'DflBatchNormAct';

/**
 * Training BatchNorm over the last axis: the same contract as `batchNormTraining` (batch-norm-training.ts); with
 * `activation`, y is activation(BatchNorm(x)) and its gradient includes the activation's.
 */
export type NativeBatchNormTraining = (
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, activation?: NativeBatchNormActivation,
) => { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D };

export interface NativeEngineModule {
  registerNativeBackend(): NativeRegistration | void | Promise<NativeRegistration | void>;
  nativeEngineInfo?: () => { threads?: number; onednnVersion?: string; isa?: string };
  /** Optional: BatchNorm statistics and gradient in the addon; used while the `native` backend is active. */
  nativeBatchNormTraining?: NativeBatchNormTraining;
}

export interface NativeLoad {
  module?: NativeEngineModule;
  reason?: string;
}

let loaded: NativeLoad | undefined;

/** Loads the package once (later calls return the same answer). */
export function loadNativeEngine(): NativeLoad {
  loaded ??= load();
  return loaded;
}

function load(): NativeLoad {
  const { module, reason } = tryRequire(NATIVE_PACKAGE);
  if (module === undefined) return { reason };
  const m = module as Partial<NativeEngineModule>;
  if (typeof m.registerNativeBackend !== 'function') {
    return { reason: `${NATIVE_PACKAGE} does not export registerNativeBackend() (not built yet?)` };
  }
  return { module: m as NativeEngineModule };
}
