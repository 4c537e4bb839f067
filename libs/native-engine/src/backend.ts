import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { loadAddon, NativeAddon } from './addon';
import { BufferPool, trackBackendStorage } from './buffer-pool';
import { ALLOCATE, KernelContext, toFloat } from './kernels/context';
import { conv2dKernels } from './kernels/conv2d';
import { depthwiseKernels } from './kernels/depthwise';
import { matmulKernels } from './kernels/matmul';
import { poolKernels } from './kernels/pool';
import { elementwiseKernels } from './kernels/elementwise';
import { reduceKernels } from './kernels/reduce';
import { batchNormTrainingKernels } from './kernels/batch-norm-training';
import { activationGradKernels, registerActivationGradients } from './kernels/activation-grad';
import { registerSiluGradient, siluKernels } from './kernels/silu';
import { registerMeanGradient } from './kernels/mean-grad';
import { optimizerKernels } from './kernels/optimizer';
import { multiplySumKernels, registerMultiplyGradient } from './kernels/multiply-grad';

export const NATIVE_BACKEND = 'native';

export interface RegisterNativeOptions {
  /** oneDNN (OpenMP) threads; default: every core Node reports. */
  threads?: number;
  /** tfjs backend priority; default 0, so `native` runs only when chosen with tf.setBackend('native'). */
  priority?: number;
  /** Recycle large output arrays (see BufferPool); default true. */
  reuseBuffers?: boolean;
  /** At most this many bytes of free arrays kept for reuse; default a quarter of the memory, at least 1 GiB. */
  poolBytes?: number;
}

export type RegisterNativeResult =
  | { ok: true; backend: 'native'; threads: number; kernels: string[] }
  | { ok: false; reason: string };

let registered: { addon: NativeAddon; kernels: string[] } | undefined;

/**
 * Registers the tfjs backend `native`: the cpu backend's data store and every cpu kernel, with the FLOP-heavy
 * kernels replaced by oneDNN ones. Idempotent; returns why not when the addon is not built or not loadable.
 */
export function registerNativeBackend(options: RegisterNativeOptions = {}): RegisterNativeResult {
  const load = loadAddon();
  if (!load.ok) return load;
  const { addon } = load;
  const wanted = options.threads ?? (os.availableParallelism?.() ?? os.cpus().length);
  const threads = addon.setThreads(Math.max(1, Math.floor(wanted)));
  if (registered) return { ok: true, backend: NATIVE_BACKEND, threads, kernels: registered.kernels };

  const cpuFactory = tf.findBackendFactory('cpu');
  if (!cpuFactory) return { ok: false, reason: "tfjs' cpu backend is not registered, so there is no data store to share" };
  const cpuKernels = new Map(tf.getKernelsForBackend('cpu').map((k) => [k.kernelName, k]));
  const ctx: KernelContext = {
    addon,
    backendName: NATIVE_BACKEND,
    fallback: (name) => {
      const kernel = cpuKernels.get(name);
      if (!kernel) throw new Error(`native backend: no cpu kernel ${name} to fall back on`);
      return kernel.kernelFunc;
    },
  };
  toFloat.convert = (values) => {
    const out = new Float32Array(values.length);
    addon.toFloat(values, out);
    return out;
  };
  const native = [
    ...conv2dKernels(ctx), ...depthwiseKernels(ctx), ...matmulKernels(ctx), ...poolKernels(ctx),
    ...elementwiseKernels(ctx), ...reduceKernels(ctx), ...batchNormTrainingKernels(ctx), ...activationGradKernels(ctx),
    ...siluKernels(ctx), ...optimizerKernels(ctx), ...multiplySumKernels(ctx),
  ];
  const nativeNames = new Set(native.map((k) => k.kernelName));

  const makeBackend = () => {
    const backend = cpuFactory() as tf.KernelBackend;
    if (options.reuseBuffers !== false) {
      const pool = new BufferPool(undefined, options.poolBytes);
      trackBackendStorage(backend, pool);
      Object.assign(backend, { [ALLOCATE]: (length: number) => pool.alloc(length) });
    }
    return backend;
  };
  tf.registerBackend(NATIVE_BACKEND, makeBackend, options.priority ?? 0);
  for (const kernel of cpuKernels.values()) {
    if (!nativeNames.has(kernel.kernelName)) tf.registerKernel({ ...kernel, backendName: NATIVE_BACKEND });
  }
  for (const kernel of native) tf.registerKernel(kernel);
  registerActivationGradients(NATIVE_BACKEND);
  registerSiluGradient(NATIVE_BACKEND);
  registerMeanGradient(NATIVE_BACKEND);
  registerMultiplyGradient(NATIVE_BACKEND);
  registered = { addon, kernels: [...nativeNames].sort() };
  return { ok: true, backend: NATIVE_BACKEND, threads, kernels: registered.kernels };
}

export interface NativeEngineStatus {
  /** The addon is built and loads. */
  available: boolean;
  /** Why not, when it is not. */
  reason?: string;
  registered: boolean;
  onednn?: string;
  isa?: string;
  threads?: number;
  kernels: string[];
}

/** What `dfl doctor` and run records print about the native engine; never throws. */
export function nativeEngineStatus(): NativeEngineStatus {
  const load = loadAddon();
  if (!load.ok) return { available: false, reason: load.reason, registered: false, kernels: [] };
  const version = load.addon.version();
  return {
    available: true,
    registered: registered !== undefined,
    onednn: version.onednn,
    isa: version.isa,
    threads: load.addon.getThreads(),
    kernels: registered?.kernels ?? [],
  };
}

/** The short form engine selection records: threads, oneDNN version, ISA (empty when the addon is missing). */
export function nativeEngineInfo(): { threads?: number; onednnVersion?: string; isa?: string } {
  const status = nativeEngineStatus();
  return status.available ? { threads: status.threads, onednnVersion: status.onednn, isa: status.isa } : {};
}

/** Time the addon spent per native kernel family since the last reset (for profiles). */
export function nativeKernelStats(): Record<string, { ms: number; cpuMs: number; calls: number }> {
  const load = loadAddon();
  return load.ok ? load.addon.stats() : {};
}

export function resetNativeKernelStats(): void {
  const load = loadAddon();
  if (load.ok) load.addon.resetStats();
}

/** Every oneDNN primitive created so far and the implementation oneDNN chose for it. */
export function nativePrimitives(): Record<string, string> {
  const load = loadAddon();
  return load.ok ? load.addon.primitives() : {};
}
