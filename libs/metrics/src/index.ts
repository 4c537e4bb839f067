export {
  MetricInputError,
  LengthMismatchError,
  EmptyInputError,
  OneClassError,
  NonFiniteScoreError,
  InvalidLabelError,
  InvalidMetricOptionError,
} from './metric-errors';
export { checkBinaryInputs, type Labels, type Scores } from './binary-inputs';
export { rankScores, type RankedScores } from './ranked-scores';
export { rocCurve, rocCurveFromRanked, reduceRocCurve, type RocCurve, type RocCurveOptions } from './roc-curve';
export { rocAucScore, rocAucFromRanked } from './roc-auc';
export { tprAtFpr, tprAtFprFromRanked, formatFpr, DEFAULT_MAX_FPR, type TprAtFpr } from './tpr-at-fpr';
export { equalErrorRate, equalErrorRateFromRanked, type EqualErrorRate } from './eer';
export { averagePrecisionScore, averagePrecisionFromRanked } from './average-precision';
export { accuracyAtThreshold, DEFAULT_DECISION_THRESHOLD } from './accuracy';
export { logLoss, LOG_LOSS_EPS } from './log-loss';
export { bootstrapCi, bootstrapFromRanked, type BootstrapOptions, type BootstrapResult, type ConfidenceInterval } from './bootstrap';
export {
  evaluateScores,
  type EvaluateScoresOptions,
  type ScoreEvaluation,
  type RocPoints,
} from './evaluate-scores';
