import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon';

/** The parts of tfjs' cpu backend (MathBackendCPU) the native kernels use: its data store of typed arrays. */
export interface CpuStorageBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Uint8Array): tf.TensorInfo;
}

/** What every kernel family gets: the addon, and the cpu kernel to fall back on for cases oneDNN does not cover. */
export interface KernelContext {
  addon: NativeAddon;
  backendName: string;
  fallback(kernelName: string): tf.KernelFunc;
}

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Converts the Uint8Array / Int32Array a float32 tensor may hold (see below); set by registerNativeBackend. */
export const toFloat: { convert?: (values: Uint8Array | Int32Array) => Float32Array } = {};

/**
 * The float32 values of a tensor held by the cpu backend, or null when it is not float32. tfjs casts bool and
 * int32 tensors to float32 by relabelling the same Uint8Array / Int32Array: those are converted (a temporary).
 */
export function floats(backend: unknown, tensor: tf.TensorInfo | undefined): Float32Array | null {
  if (!tensor || tensor.dtype !== 'float32') return null;
  const values = (backend as CpuStorageBackend).data.get(tensor.dataId).values;
  if (values instanceof Float32Array) return values;
  if ((values instanceof Uint8Array || values instanceof Int32Array) && toFloat.convert) return toFloat.convert(values);
  return null;
}

/** The array allocator of the backend instance running a kernel (set by registerNativeBackend). */
export const ALLOCATE = Symbol('dfl.native.allocate');

/**
 * An output of `shape` whose contents the kernel must overwrite entirely, and the TensorInfo that hands its
 * values to the cpu backend's store.
 */
export function output(backend: unknown, shape: number[]): { values: Float32Array; info: () => tf.TensorInfo } {
  const length = shape.reduce((a, b) => a * b, 1);
  const allocate = (backend as { [ALLOCATE]?: (n: number) => Float32Array })[ALLOCATE];
  const values = allocate ? allocate(length) : new Float32Array(length);
  return { values, info: () => (backend as CpuStorageBackend).makeTensorInfo(shape, 'float32', values) };
}

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3, sigmoid: 4, elu: 5 };
/** Activations only our own fused kernels (DflFusedConv2D, DflFusedDepthwiseConv2D) take: tfjs' enum lacks them. */
const DFL_ACTIVATIONS: Record<string, number> = { ...ACTIVATIONS, silu: 6 };

/**
 * The addon's code for a fused activation, or undefined when it has none (prelu): those fall back to cpu. `dfl`:
 * the name is from one of our kernels, which also take silu.
 */
export function activationCode(activation: string | undefined, dfl = false): number | undefined {
  return (dfl ? DFL_ACTIVATIONS : ACTIVATIONS)[activation ?? 'linear'];
}

/** Kernel names of the convolutions with a fused activation tfjs' FusedConv2D has no code for (silu). */
export const DFL_FUSED_CONV2D = 'DflFusedConv2D';
export const DFL_FUSED_DEPTHWISE_CONV2D = 'DflFusedDepthwiseConv2D';

/**
 * The cpu fallback of a fused convolution kernel `kernelName` (tfjs' FusedConv2D / FusedDepthwiseConv2D) for a
 * call that may carry one of our activations: tfjs' kernel with a linear activation, then SiLU in one native pass.
 */
export function fusedFallback(ctx: KernelContext, kernelName: string, args: KernelArgs): tf.TensorInfo {
  const attrs = args.attrs as { activation?: string };
  if (attrs.activation !== 'silu') return ctx.fallback(kernelName)(args) as tf.TensorInfo;
  const linear = ctx.fallback(kernelName)({ ...args, attrs: { ...args.attrs, activation: 'linear' } }) as tf.TensorInfo;
  const y = output(args.backend, linear.shape);
  ctx.addon.unary(SILU_UNARY, 0, 0, floats(args.backend, linear)!, y.values);
  (args.backend as unknown as { disposeIntermediateTensorInfo(t: tf.TensorInfo): void }).disposeIntermediateTensorInfo(linear);
  return y.info();
}

/** The addon's unary code for SiLU (native/elementwise.cc). */
export const SILU_UNARY = 16;
