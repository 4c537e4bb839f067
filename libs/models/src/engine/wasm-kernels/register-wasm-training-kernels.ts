import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input';

/** The kernels we supply to the wasm backend: the three it lacks for training, and one it does slowly. */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
];

/** The wasm backend's own kernels we replaced, kept so {@link unregisterWasmTrainingKernels} can restore them. */
const replaced = new Map<string, tf.KernelConfig>();

/**
 * Registers our training kernels for the wasm backend (idempotent). Returns the names of the kernels supplied.
 * Import '@tensorflow/tfjs-backend-wasm' first: it registers the backend and its own kernels.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const config of wasmTrainingKernels) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing !== undefined) {
      if (!replaced.has(config.kernelName)) replaced.set(config.kernelName, existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  return wasmTrainingKernels.map((k) => k.kernelName);
}

/** Undoes {@link registerWasmTrainingKernels}: the stock wasm backend again (benchmarks compare the two). */
export function unregisterWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    if (tf.getKernel(config.kernelName, 'wasm') !== config) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const stock = replaced.get(config.kernelName);
    if (stock === undefined) continue;
    tf.registerKernel(stock);
    // Its setup (binding the wasm function) ran only if it was registered when the backend initialised.
    const backend = tf.findBackend('wasm');
    if (backend !== null && stock.setupFunc !== undefined) stock.setupFunc(backend);
  }
}
