import type { Labels, Scores } from './binary-inputs';
import { InvalidMetricOptionError } from './metric-errors';
import { rankScores, type RankedScores } from './ranked-scores';

export const DEFAULT_MAX_FPR = 1e-3;

export interface TprAtFpr {
  /** The largest TPR among ROC points whose FPR <= maxFpr. */
  readonly tpr: number;
  readonly maxFpr: number;
  /** The FPR of that point (<= maxFpr). */
  readonly fpr: number;
  /** Its score cut-off (predict positive when score >= threshold); +Infinity when no cut-off is allowed. */
  readonly threshold: number;
  /** How many negatives the FPR is measured on. */
  readonly negatives: number;
  /** The fewest negatives that can resolve maxFpr: ceil(1 / maxFpr), i.e. 1000 for 1e-3. */
  readonly negativesNeeded: number;
  /** Set when negatives < negativesNeeded: a single false positive then already exceeds maxFpr. */
  readonly warning?: string;
}

/**
 * TPR at a maximum FPR with scikit-learn's semantics: on `roc_curve(..., drop_intermediate=False)` (every
 * threshold, plus the (0, 0) point), the largest TPR whose FPR (computed as fps / N, like numpy) is <= maxFpr.
 */
export function tprAtFpr(labels: Labels, scores: Scores, maxFpr = DEFAULT_MAX_FPR): TprAtFpr {
  return tprAtFprFromRanked(rankScores(labels, scores), maxFpr);
}

export function tprAtFprFromRanked(ranked: RankedScores, maxFpr = DEFAULT_MAX_FPR): TprAtFpr {
  checkMaxFpr(maxFpr);
  const { positives, negatives } = ranked;
  const last = lastGroupWithin(ranked.groupPositives, ranked.groupNegatives, negatives, maxFpr);
  let tp = 0;
  let fp = 0;
  for (let g = 0; g <= last; g++) {
    tp += ranked.groupPositives[g];
    fp += ranked.groupNegatives[g];
  }
  const negativesNeeded = Math.ceil(1 / maxFpr - 1e-9);
  const warning =
    negatives < negativesNeeded
      ? `TPR@FPR=${formatFpr(maxFpr)} rests on ${negatives} negatives, fewer than the ${negativesNeeded} needed to ` +
        `resolve an FPR of ${formatFpr(maxFpr)} (one false positive is already an FPR of ${(1 / negatives).toPrecision(3)}); ` +
        `it then only counts positives scored above every negative.`
      : undefined;
  return {
    tpr: tp / positives,
    maxFpr,
    fpr: fp / negatives,
    threshold: last < 0 ? Infinity : ranked.thresholds[last],
    negatives,
    negativesNeeded,
    ...(warning ? { warning } : {}),
  };
}

/** TPR at maxFpr from per-group counts (the bootstrap's weighted counts included). */
export function tprAtFprFromGroupCounts(
  groupPositives: ArrayLike<number>,
  groupNegatives: ArrayLike<number>,
  positives: number,
  negatives: number,
  maxFpr: number,
): number {
  const last = lastGroupWithin(groupPositives, groupNegatives, negatives, maxFpr);
  let tp = 0;
  for (let g = 0; g <= last; g++) tp += groupPositives[g];
  return tp / positives;
}

/** Index of the last group whose cumulative FPR is <= maxFpr, -1 when even the first one exceeds it. */
function lastGroupWithin(
  groupPositives: ArrayLike<number>,
  groupNegatives: ArrayLike<number>,
  negatives: number,
  maxFpr: number,
): number {
  let fp = 0;
  let g = 0;
  for (; g < groupPositives.length; g++) {
    fp += groupNegatives[g];
    if (fp / negatives > maxFpr) break;
  }
  return g - 1;
}

export function checkMaxFpr(maxFpr: number): void {
  if (!(maxFpr > 0 && maxFpr <= 1)) throw new InvalidMetricOptionError(`Expected max_fpr in range (0, 1], got: ${maxFpr}`);
}

/** 1e-3 -> "1e-3", 0.0015 -> "1.5e-3": the form used in metric names such as `tpr@fpr=1e-3`. */
export function formatFpr(fpr: number): string {
  return fpr.toExponential().replace('e+', 'e');
}
