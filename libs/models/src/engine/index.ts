export {
  selectEngine,
  probeEngines,
  ENGINE_CHOICES,
  ENGINE_ORDER,
  type EngineChoice,
  type EngineInfo,
  type EngineName,
  type SelectEngineOptions,
} from './select-engine';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernels,
} from './wasm-kernels/register-wasm-training-kernels';
export { engineReport, findOneDnn, formatEngineReport, type EngineReport } from './engine-report';
export { registerBatchNormGradient, unregisterBatchNormGradient, channelSum } from './batch-norm-gradient';
export { batchNormTraining, composedBatchNormTraining, type BatchNormTrainingResult } from './batch-norm-training';
