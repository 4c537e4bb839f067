export {
  NATIVE_BACKEND,
  registerNativeBackend,
  nativeEngineStatus,
  nativeEngineInfo,
  nativeKernelStats,
  resetNativeKernelStats,
  nativePrimitives,
} from './backend';
export type { RegisterNativeOptions, RegisterNativeResult, NativeEngineStatus } from './backend';
export { nativeBatchNormTraining, BATCH_NORM_STATS, BATCH_NORM_GRAD, BATCH_NORM_ACT } from './kernels/batch-norm-training';
export type { NativeBatchNormTrainingResult, BatchNormActivation } from './kernels/batch-norm-training';
export { SILU } from './kernels/silu';
export { DFL_FUSED_CONV2D, DFL_FUSED_DEPTHWISE_CONV2D } from './kernels/context';
