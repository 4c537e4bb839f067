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

/** Training BatchNorm over the last axis: the same contract as `batchNormTraining` (batch-norm-training.ts). */
export type NativeBatchNormTraining = (
  x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number,
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
