import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '@dfl/core';
import { registerBatchNormGradient } from './batch-norm-gradient';
import { loadNativeEngine, NATIVE_BACKEND, NATIVE_PACKAGE } from './native-engine-loader';
import { tryRequire } from './optional-module';
import { initWasmEngine, WASM_PACKAGE } from './wasm-engine';

export type EngineName = 'tensorflow' | 'native' | 'wasm' | 'cpu';
export type EngineChoice = 'auto' | EngineName;

/** Fastest first: the order `auto` tries. */
export const ENGINE_ORDER: readonly EngineName[] = ['tensorflow', 'native', 'wasm', 'cpu'];
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', ...ENGINE_ORDER];

/** What a run records about the engine it trained on. */
export interface EngineInfo {
  readonly engine: EngineName;
  /** The tfjs backend name (`tensorflow`, `native`, `wasm`, `cpu`). */
  readonly backend: string;
  readonly simd: boolean;
  readonly threads: number;
  /** @tensorflow/tfjs-core version. */
  readonly version: string;
  /** The package that provides the backend, with its version when known. */
  readonly package: string;
  /** Kernels we register ourselves for this backend (missing or slow in the stock backend). */
  readonly suppliedKernels: readonly string[];
  /** Gradients we replace for every backend (same mathematics, cheaper). */
  readonly suppliedGradients: readonly string[];
  /** For `auto`: the faster engines that were skipped and why. */
  readonly skipped: readonly { engine: EngineName; reason: string }[];
}

export interface SelectEngineOptions {
  /**
   * wasm only: threads for XNNPACK. 1 (default) is the stock single-threaded SIMD build tfjs uses under Node;
   * more than 1 is not supported under Node by tfjs 4.22 (see ENGINE-NOTES) and is refused.
   */
  wasmThreads?: number;
}

const INSTALL_HINT: Record<EngineName, string> = {
  tensorflow:
    'install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu, CUDA 11.2 + cuDNN 8.1) at the version of @tensorflow/tfjs: ' +
    `npm install @tensorflow/tfjs-node@${tf.version.tfjs}`,
  native: `build ${NATIVE_PACKAGE}: install libdnnl-dev and the C++ build tools, then npm install`,
  wasm: `install ${WASM_PACKAGE}@${tf.version.tfjs}`,
  cpu: 'reinstall @tensorflow/tfjs',
};

type Attempt = { ok: true; info: Omit<EngineInfo, 'skipped' | 'suppliedGradients'> } | { ok: false; reason: string };

async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs could not initialise the '${name}' backend`);
  await tf.ready();
}

async function tryTensorflow(): Promise<Attempt> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const { module, reason } = tryRequire(pkg);
    if (module === undefined) {
      reasons.push(reason ?? `${pkg} did not load`);
      continue;
    }
    const nodeVersion = (module as { version?: { 'tfjs-node'?: string } }).version?.['tfjs-node'] ?? '';
    if (tf.findBackend('tensorflow') === null) {
      reasons.push(`${pkg} loaded but registered no 'tensorflow' backend (a second copy of @tensorflow/tfjs-core?)`);
      continue;
    }
    await useBackend('tensorflow');
    return {
      ok: true,
      info: {
        engine: 'tensorflow',
        backend: 'tensorflow',
        simd: true,
        threads: availableParallelism(),
        version: tf.version_core,
        package: nodeVersion ? `${pkg}@${nodeVersion}` : pkg,
        suppliedKernels: [],
      },
    };
  }
  return { ok: false, reason: reasons.join('; ') };
}

async function tryNative(): Promise<Attempt> {
  const { module, reason } = loadNativeEngine();
  if (module === undefined) return { ok: false, reason: reason ?? `${NATIVE_PACKAGE} did not load` };
  let kernels: string[] = [];
  let threads: number | undefined;
  try {
    const registration = await module.registerNativeBackend();
    if (registration && registration.ok === false) return { ok: false, reason: `${NATIVE_PACKAGE}: ${registration.reason}` };
    if (registration && registration.ok) {
      kernels = registration.kernels ?? [];
      threads = registration.threads;
    }
    await useBackend(NATIVE_BACKEND);
  } catch (err) {
    return { ok: false, reason: `${NATIVE_PACKAGE}: ${(err as Error).message ?? String(err)}` };
  }
  const extra = module.nativeEngineInfo?.() ?? {};
  return {
    ok: true,
    info: {
      engine: 'native',
      backend: NATIVE_BACKEND,
      simd: true,
      threads: threads ?? extra.threads ?? availableParallelism(),
      version: tf.version_core,
      package: extra.onednnVersion ? `${NATIVE_PACKAGE} (oneDNN ${extra.onednnVersion}${extra.isa ? `, ${extra.isa}` : ''})` : NATIVE_PACKAGE,
      suppliedKernels: kernels,
    },
  };
}

async function tryWasm(options: SelectEngineOptions): Promise<Attempt> {
  try {
    const wasm = await initWasmEngine(options);
    return { ok: true, info: { engine: 'wasm', backend: 'wasm', version: tf.version_core, ...wasm } };
  } catch (err) {
    if (err instanceof UserError) throw err;
    return { ok: false, reason: (err as Error).message ?? String(err) };
  }
}

async function tryCpu(): Promise<Attempt> {
  await useBackend('cpu');
  return {
    ok: true,
    info: {
      engine: 'cpu',
      backend: 'cpu',
      simd: false,
      threads: 1,
      version: tf.version_core,
      package: `@tensorflow/tfjs-backend-cpu@${tf.version_cpu}`,
      suppliedKernels: [],
    },
  };
}

function attempt(engine: EngineName, options: SelectEngineOptions): Promise<Attempt> {
  switch (engine) {
    case 'tensorflow':
      return tryTensorflow();
    case 'native':
      return tryNative();
    case 'wasm':
      return tryWasm(options);
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Chooses the TensorFlow.js engine and makes it the active backend. `auto` takes the fastest that loads
 * (tensorflow > native > wasm > cpu) and records why the faster ones were skipped; naming an engine that cannot
 * load is a UserError saying what to install.
 */
export async function selectEngine(choice: EngineChoice = 'auto', options: SelectEngineOptions = {}): Promise<EngineInfo> {
  if (!ENGINE_CHOICES.includes(choice)) {
    throw new UserError(`unknown engine '${choice}': expected one of ${ENGINE_CHOICES.join(', ')}`);
  }
  registerBatchNormGradient();
  const suppliedGradients = ['FusedBatchNorm'];
  if (choice !== 'auto') {
    const result = await attempt(choice, options);
    if (!result.ok) {
      throw new UserError(`engine '${choice}' is not available: ${result.reason}\nTo use it, ${INSTALL_HINT[choice]}.`);
    }
    silenceCpuBanner();
    return { ...result.info, suppliedGradients, skipped: [] };
  }
  const skipped: { engine: EngineName; reason: string }[] = [];
  for (const engine of ENGINE_ORDER) {
    const result = await attempt(engine, options);
    if (result.ok) {
      silenceCpuBanner();
      return { ...result.info, suppliedGradients, skipped };
    }
    skipped.push({ engine, reason: result.reason });
  }
  throw new Error(`no TensorFlow.js engine could be initialised: ${skipped.map((s) => `${s.engine}: ${s.reason}`).join('; ')}`);
}

/**
 * The cpu backend (and `native`, built on it) prints a "use tfjs-node" banner to stderr on its first tensor. Every
 * run records its engine and `dfl doctor` explains the choice, so the banner is noise in logs and scripts.
 */
function silenceCpuBanner(): void {
  const backend = tf.backend() as { firstUse?: boolean };
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}

/** Whether each engine can load, and why not, without changing the active backend (for `dfl doctor`). */
export async function probeEngines(options: SelectEngineOptions = {}): Promise<{ engine: EngineName; available: boolean; detail: string }[]> {
  const previous = tf.getBackend();
  const out: { engine: EngineName; available: boolean; detail: string }[] = [];
  for (const engine of ENGINE_ORDER) {
    const result = await attempt(engine, options);
    out.push(
      result.ok
        ? { engine, available: true, detail: result.info.package }
        : { engine, available: false, detail: `${result.reason} (to use it, ${INSTALL_HINT[engine]})` },
    );
  }
  if (previous) await useBackend(previous);
  return out;
}
