import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '@dfl/core';
import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels';

export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

export interface WasmEngineInfo {
  simd: boolean;
  threads: number;
  package: string;
  suppliedKernels: string[];
}

/** Makes the wasm backend (SIMD when the runtime has it) active with our training kernels registered. */
export async function initWasmEngine(options: { wasmThreads?: number } = {}): Promise<WasmEngineInfo> {
  const threads = options.wasmThreads ?? 1;
  if (threads !== 1) {
    throw new UserError(
      `wasm threads: ${threads} requested, but tfjs ${tf.version_core} runs its wasm backend single-threaded under Node ` +
        '(the threaded build loads its worker from a blob URL Node cannot run); use the native engine for multi-core speed',
    );
  }
  const suppliedKernels = registerWasmTrainingKernels();
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error(`${WASM_PACKAGE} did not initialise`);
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return {
    simd,
    threads: wasmBackend.getThreadsCount(),
    package: `${WASM_PACKAGE}@${wasmBackend.version_wasm}`,
    suppliedKernels,
  };
}
