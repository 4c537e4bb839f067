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

export interface NativeEngineModule {
  registerNativeBackend(): NativeRegistration | void | Promise<NativeRegistration | void>;
  nativeEngineInfo?: () => { threads?: number; onednnVersion?: string; isa?: string };
}

export interface NativeLoad {
  module?: NativeEngineModule;
  reason?: string;
}

export function loadNativeEngine(): NativeLoad {
  const { module, reason } = tryRequire(NATIVE_PACKAGE);
  if (module === undefined) return { reason };
  const m = module as Partial<NativeEngineModule>;
  if (typeof m.registerNativeBackend !== 'function') {
    return { reason: `${NATIVE_PACKAGE} does not export registerNativeBackend() (not built yet?)` };
  }
  return { module: m as NativeEngineModule };
}
