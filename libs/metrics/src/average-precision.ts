import type { Labels, Scores } from './binary-inputs';
import { rankScores, type RankedScores } from './ranked-scores';

/**
 * scikit-learn's `average_precision_score` for 0/1 labels: the step-function (not interpolated) area under the
 * precision-recall curve, sum over thresholds of (R_k - R_{k-1}) * P_k, tied scores forming one threshold.
 */
export function averagePrecisionScore(labels: Labels, scores: Scores): number {
  return averagePrecisionFromRanked(rankScores(labels, scores));
}

export function averagePrecisionFromRanked(ranked: RankedScores): number {
  const { groupPositives, groupNegatives, positives } = ranked;
  let ap = 0;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < groupPositives.length; g++) {
    const gp = groupPositives[g];
    tp += gp;
    fp += groupNegatives[g];
    if (gp !== 0) ap += (gp / positives) * (tp / (tp + fp));
  }
  return ap;
}
