import type { Labels, Scores } from './binary-inputs';
import { rankScores, type RankedScores } from './ranked-scores';

/**
 * Area under the ROC curve, equal to scikit-learn's `roc_auc_score` for 0/1 labels: the trapezoidal area of the
 * curve in which tied scores form one diagonal step, i.e. a positive-negative pair with equal scores counts 1/2
 * (the Mann-Whitney U statistic over P·N).
 */
export function rocAucScore(labels: Labels, scores: Scores): number {
  return rocAucFromRanked(rankScores(labels, scores));
}

export function rocAucFromRanked(ranked: RankedScores): number {
  return aucFromGroupCounts(ranked.groupPositives, ranked.groupNegatives, ranked.positives, ranked.negatives);
}

/**
 * The area from per-group counts, walked from the highest score. It is summed in counts (a sum of halves of
 * integers, exact in a double while P·N < 2^52) and divided once, so it is the exact AUC rounded once; scikit-learn's
 * trapezoid over fractions agrees to ~1e-15.
 */
export function aucFromGroupCounts(
  groupPositives: ArrayLike<number>,
  groupNegatives: ArrayLike<number>,
  positives: number,
  negatives: number,
): number {
  let area = 0;
  let tp = 0;
  for (let g = 0; g < groupPositives.length; g++) {
    const fp = groupNegatives[g];
    const gp = groupPositives[g];
    if (fp !== 0) area += fp * (tp + gp / 2);
    tp += gp;
  }
  return area / (positives * negatives);
}
