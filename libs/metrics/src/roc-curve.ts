import type { Labels, Scores } from './binary-inputs';
import { InvalidMetricOptionError } from './metric-errors';
import { rankScores, type RankedScores } from './ranked-scores';

/** Points of a ROC curve, from (0, 0) to (1, 1); `thresholds[k]` is the score cut-off giving point k (score >= t). */
export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** thresholds[0] is +Infinity (the empty prediction), as in scikit-learn >= 1.3 (1.2 used max score + 1). */
  readonly thresholds: Float64Array;
}

export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight segment between their neighbours (scikit-learn's `drop_intermediate`,
   * default true there and here). The area and the convex corners are unchanged.
   */
  dropIntermediate?: boolean;
}

/** scikit-learn's `roc_curve(y_true, y_score, drop_intermediate=...)` for 0/1 labels. */
export function rocCurve(labels: Labels, scores: Scores, options: RocCurveOptions = {}): RocCurve {
  return rocCurveFromRanked(rankScores(labels, scores), options);
}

export function rocCurveFromRanked(ranked: RankedScores, { dropIntermediate = true }: RocCurveOptions = {}): RocCurve {
  const { thresholds, groupPositives, groupNegatives, positives, negatives } = ranked;
  const groups = thresholds.length;
  const tps = new Float64Array(groups);
  const fps = new Float64Array(groups);
  for (let g = 0, tp = 0, fp = 0; g < groups; g++) {
    tp += groupPositives[g];
    fp += groupNegatives[g];
    tps[g] = tp;
    fps[g] = fp;
  }
  // Same rule as scikit-learn: keep the ends and every point where the second difference of fps or tps is not 0.
  let keep: Uint32Array;
  if (dropIntermediate && groups > 2) {
    const kept: number[] = [0];
    for (let g = 1; g < groups - 1; g++) {
      if (fps[g + 1] - 2 * fps[g] + fps[g - 1] !== 0 || tps[g + 1] - 2 * tps[g] + tps[g - 1] !== 0) kept.push(g);
    }
    kept.push(groups - 1);
    keep = Uint32Array.from(kept);
  } else {
    keep = new Uint32Array(groups);
    for (let g = 0; g < groups; g++) keep[g] = g;
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const cut = new Float64Array(m);
  cut[0] = Infinity;
  for (let k = 1; k < m; k++) {
    const g = keep[k - 1];
    fpr[k] = fps[g] / negatives;
    tpr[k] = tps[g] / positives;
    cut[k] = thresholds[g];
  }
  return { fpr, tpr, thresholds: cut };
}

/**
 * A ROC curve small enough to store with a run and to plot: at most about `maxPoints` points, every one of them an
 * exact point of the full curve. Targets are spaced both logarithmically in FPR (so the 1e-4..1e-2 region that
 * TPR@FPR=1e-3 lives in keeps its detail) and linearly (so the shape near FPR 1 is kept); for each target the last
 * point with FPR <= target is kept, i.e. the stored TPR at that FPR is what `tprAtFpr` reports.
 */
export function reduceRocCurve(curve: RocCurve, maxPoints = 200): RocCurve {
  if (!Number.isInteger(maxPoints) || maxPoints < 8) {
    throw new InvalidMetricOptionError(`maxPoints must be an integer >= 8, got: ${maxPoints}`);
  }
  const m = curve.fpr.length;
  if (m <= maxPoints) return curve;
  const targets: number[] = [];
  const logCount = Math.floor(maxPoints / 2);
  const smallest = Math.max(curve.fpr.find((f) => f > 0) ?? 1, 1e-9);
  for (let k = 0; k < logCount; k++) targets.push(smallest * Math.pow(1 / smallest, k / (logCount - 1)));
  const linCount = maxPoints - logCount - 2;
  for (let k = 1; k <= linCount; k++) targets.push(k / (linCount + 1));
  targets.sort((a, b) => a - b);
  const picked = new Set<number>([0, m - 1]);
  let k = 0;
  for (const target of targets) {
    while (k + 1 < m && curve.fpr[k + 1] <= target) k++;
    picked.add(k);
  }
  const keep = [...picked].sort((a, b) => a - b);
  return {
    fpr: Float64Array.from(keep, (i) => curve.fpr[i]),
    tpr: Float64Array.from(keep, (i) => curve.tpr[i]),
    thresholds: Float64Array.from(keep, (i) => curve.thresholds[i]),
  };
}
