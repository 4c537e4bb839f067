import { accuracyAtThreshold, DEFAULT_DECISION_THRESHOLD } from './accuracy';
import { averagePrecisionFromRanked } from './average-precision';
import type { Labels, Scores } from './binary-inputs';
import { bootstrapFromRanked, type BootstrapResult } from './bootstrap';
import { equalErrorRateFromRanked, type EqualErrorRate } from './eer';
import { logLoss } from './log-loss';
import { rankScores } from './ranked-scores';
import { rocAucFromRanked } from './roc-auc';
import { reduceRocCurve, rocCurveFromRanked } from './roc-curve';
import { DEFAULT_MAX_FPR, tprAtFprFromRanked, type TprAtFpr } from './tpr-at-fpr';

export interface EvaluateScoresOptions {
  /** FPR bound of the headline TPR; default 1e-3. */
  readonly maxFpr?: number;
  /** Confidence intervals for AUC and TPR@maxFpr; omitted or n = 0 means none. */
  readonly bootstrap?: { readonly n: number; readonly seed: number; readonly level?: number };
  /** Points kept in `rocCurve`; default 200. */
  readonly rocPoints?: number;
}

/** A ROC curve as plain arrays, ready to be stored as JSON or plotted. */
export interface RocPoints {
  readonly fpr: number[];
  readonly tpr: number[];
  /** thresholds[0] is null (+Infinity: nothing predicted positive), since JSON has no Infinity. */
  readonly thresholds: Array<number | null>;
}

export interface ScoreEvaluation {
  readonly samples: number;
  readonly positives: number;
  readonly negatives: number;
  readonly auc: number;
  readonly tprAtFpr: TprAtFpr;
  readonly eer: EqualErrorRate;
  readonly averagePrecision: number;
  /** Accuracy when score > 0.5 predicts positive. */
  readonly accuracy: number;
  readonly logLoss: number;
  /** The ROC curve reduced to a few hundred exact points (see `reduceRocCurve`). */
  readonly rocCurve: RocPoints;
  readonly bootstrap: BootstrapResult | null;
  /** Things a reader of the figures should know (too few negatives, scores that are not probabilities, ...). */
  readonly warnings: string[];
}

/**
 * Every metric of a set of binary labels (1 = fake) and scores, from one sort. Throws a MetricInputError subclass on
 * bad input (length mismatch, one class only, NaN or infinite scores, labels other than 0/1).
 */
export function evaluateScores(labels: Labels, scores: Scores, options: EvaluateScoresOptions = {}): ScoreEvaluation {
  const { maxFpr = DEFAULT_MAX_FPR, bootstrap, rocPoints = 200 } = options;
  const ranked = rankScores(labels, scores);
  const tprAtFpr = tprAtFprFromRanked(ranked, maxFpr);
  const warnings: string[] = [];
  if (tprAtFpr.warning) warnings.push(tprAtFpr.warning);
  const { thresholds } = ranked;
  // thresholds are sorted descending, so the extremes are the first and last.
  if (thresholds[0] > 1 || thresholds[thresholds.length - 1] < 0) {
    warnings.push('Scores outside [0, 1]: log loss and accuracy@0.5 read scores as probabilities (log loss clips them).');
  }
  const boot = bootstrap && bootstrap.n > 0 ? bootstrapFromRanked(ranked, { ...bootstrap, maxFpr }) : null;
  if (boot && boot.skipped > 0) {
    warnings.push(`Bootstrap: ${boot.skipped} of ${boot.resamples} resamples drew a single class and were skipped.`);
  }
  const curve = reduceRocCurve(rocCurveFromRanked(ranked, { dropIntermediate: true }), rocPoints);
  return {
    samples: ranked.positives + ranked.negatives,
    positives: ranked.positives,
    negatives: ranked.negatives,
    auc: rocAucFromRanked(ranked),
    tprAtFpr,
    eer: equalErrorRateFromRanked(ranked),
    averagePrecision: averagePrecisionFromRanked(ranked),
    accuracy: accuracyAtThreshold(labels, scores, DEFAULT_DECISION_THRESHOLD),
    logLoss: logLoss(labels, scores),
    rocCurve: {
      fpr: Array.from(curve.fpr),
      tpr: Array.from(curve.tpr),
      thresholds: Array.from(curve.thresholds, (t) => (Number.isFinite(t) ? t : null)),
    },
    bootstrap: boot,
    warnings,
  };
}
