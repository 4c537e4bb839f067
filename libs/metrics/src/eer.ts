import type { Labels, Scores } from './binary-inputs';
import { rankScores, type RankedScores } from './ranked-scores';

export interface EqualErrorRate {
  /** The rate at which FPR = FNR (= 1 - TPR). */
  readonly eer: number;
  /** The score cut-off nearest that point (of the two ROC points it lies between, the one further from it is dropped). */
  readonly threshold: number;
}

/**
 * Equal error rate: where the ROC curve (every threshold, joined by straight segments as in the AUC) crosses the
 * line FPR = 1 - TPR. The curve is monotone, so `FPR + TPR - 1` increases along it from -1 to 1 and the crossing
 * is unique; it is found exactly by linear interpolation on the segment where that sign changes. This is the value
 * the common `brentq(lambda x: 1 - x - interp1d(fpr, tpr)(x), 0, 1)` recipe approximates. scikit-learn has no EER.
 */
export function equalErrorRate(labels: Labels, scores: Scores): EqualErrorRate {
  return equalErrorRateFromRanked(rankScores(labels, scores));
}

export function equalErrorRateFromRanked(ranked: RankedScores): EqualErrorRate {
  const { thresholds, groupPositives, groupNegatives, positives, negatives } = ranked;
  let prevFpr = 0;
  let prevGap = -1; // FPR + TPR - 1 at (0, 0)
  let prevThreshold = Infinity;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < thresholds.length; g++) {
    tp += groupPositives[g];
    fp += groupNegatives[g];
    const fpr = fp / negatives;
    const gap = fpr + tp / positives - 1;
    if (gap >= 0) {
      if (gap === 0) return { eer: fpr, threshold: thresholds[g] };
      const a = -prevGap / (gap - prevGap);
      return { eer: prevFpr + a * (fpr - prevFpr), threshold: a < 0.5 ? prevThreshold : thresholds[g] };
    }
    prevFpr = fpr;
    prevGap = gap;
    prevThreshold = thresholds[g];
  }
  // Unreachable with both classes present: the last point is (1, 1), where the gap is 1.
  return { eer: prevFpr, threshold: prevThreshold };
}
