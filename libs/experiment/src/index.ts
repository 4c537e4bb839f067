export {
  ExperimentSchema,
  DataSchema,
  ModelSchema,
  AugmentStepSchema,
  TtaSchema,
  TtaViewSchema,
  TrainSchema,
  OptimizerSchema,
  ScheduleSchema,
  EarlyStoppingSchema,
  EvalSchema,
  METRICS,
  MINIMISED_METRICS,
  ENGINES,
  DATA_LAYOUTS,
  type MetricName,
  type DeepReadonly,
  type ResolvedExperiment,
  type DataConfig,
  type SplitConfig,
  type ModelConfig,
  type AugmentStep,
  type TtaConfig,
  type TtaView,
  type TrainConfig,
  type OptimizerConfig,
  type ScheduleConfig,
  type EarlyStoppingConfig,
  type EvalConfig,
} from './schema/experiment-schema';
export { type PluginOptions } from './schema/schema-helpers';
export { buildExperimentJsonSchema, type SchemaFlavour } from './schema/json-schema';
export type {
  PluginCatalog,
  PluginLookup,
  CatalogPluginSpec,
  CatalogBackboneSpec,
  CatalogInputConfig,
  PluginOptionProblem,
} from './plugin-catalog';
export { ExperimentConfigError, formatIssue, type ConfigIssue } from './errors/config-error';
export { didYouMean } from './errors/did-you-mean';
export {
  resolveExperiment,
  resolveExperimentText,
  type ResolveOptions,
  type ExperimentResolution,
} from './resolution/resolve-experiment';
export { registerCrossFieldCheck, type CrossFieldCheck, type CrossFieldProblem } from './resolution/cross-field-checks';
export { canonicalJson, sha256Hex } from './resolution/canonical-json';
export { toResolvedYaml } from './resolution/resolved-yaml';
export { expandSweep, type SweepExpansion, type SweepPoint, type ExpandOptions } from './sweep/expand-sweep';
export { SweepSchema, type SweepBlock } from './sweep/sweep-schema';
export { declaresSweep } from './sweep/declares-sweep';
export { configDiff, type ConfigDiffRow } from './diff/config-diff';
