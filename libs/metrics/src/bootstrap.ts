import { SeededRandom } from '@dfl/core';
import type { Labels, Scores } from './binary-inputs';
import { InvalidMetricOptionError } from './metric-errors';
import { rankScores, type RankedScores } from './ranked-scores';
import { aucFromGroupCounts } from './roc-auc';
import { checkMaxFpr, DEFAULT_MAX_FPR, tprAtFprFromGroupCounts } from './tpr-at-fpr';

export interface BootstrapOptions {
  /** Number of resamples (each the size of the data, drawn with replacement). */
  readonly n: number;
  /** Seed of the resampling, so that a CI can be reproduced exactly. */
  readonly seed: number;
  /** Confidence level of the percentile interval; default 0.95. */
  readonly level?: number;
  /** FPR bound of the TPR whose interval is computed; default 1e-3. */
  readonly maxFpr?: number;
}

export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
}

export interface BootstrapResult {
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  /** Resamples used; the others drew a single class and were skipped (AUC and TPR are undefined there). */
  readonly used: number;
  readonly skipped: number;
  /** Percentile intervals; null when every resample was skipped. */
  readonly auc: ConfidenceInterval | null;
  readonly tprAtFpr: ConfidenceInterval | null;
  readonly maxFpr: number;
}

/** Seeded percentile-bootstrap confidence intervals of the ROC AUC and of TPR@maxFpr. */
export function bootstrapCi(labels: Labels, scores: Scores, options: BootstrapOptions): BootstrapResult {
  return bootstrapFromRanked(rankScores(labels, scores), options);
}

/**
 * Resampling needs no new sort: a resample only changes how many times each sample counts, and a sample's rank
 * group is known, so each resample turns its draws into per-group counts and walks the groups, O(n) per resample.
 * Drawing positions uniformly over (sorted positives, sorted negatives) is the usual bootstrap over samples, only
 * with the samples numbered in a different order.
 */
export function bootstrapFromRanked(ranked: RankedScores, options: BootstrapOptions): BootstrapResult {
  const { n: resamples, seed, level = 0.95, maxFpr = DEFAULT_MAX_FPR } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new InvalidMetricOptionError(`bootstrap resamples must be a positive integer, got: ${resamples}`);
  }
  if (!(level > 0 && level < 1)) throw new InvalidMetricOptionError(`bootstrap level must be in (0, 1), got: ${level}`);
  checkMaxFpr(maxFpr);
  const { positives, negatives, positiveGroup, negativeGroup } = ranked;
  const n = positives + negatives;
  const groups = ranked.thresholds.length;
  const gp = new Uint32Array(groups);
  const gn = new Uint32Array(groups);
  const drawn = new Uint32Array(n);
  const rng = new SeededRandom(seed);
  const aucs: number[] = [];
  const tprs: number[] = [];
  for (let b = 0; b < resamples; b++) {
    // Count draws per sorted position first (one random memory access per draw), then add the counts into their
    // rank groups in one sequential pass: 1.5-2.5x faster on 10^6 scores than looking up each draw's group.
    drawn.fill(0);
    for (let k = 0; k < n; k++) drawn[rng.int(n)]++;
    gp.fill(0);
    gn.fill(0);
    let drawnPositives = 0;
    for (let k = 0; k < positives; k++) {
      const c = drawn[k];
      gp[positiveGroup[k]] += c;
      drawnPositives += c;
    }
    for (let k = 0; k < negatives; k++) gn[negativeGroup[k]] += drawn[positives + k];
    const drawnNegatives = n - drawnPositives;
    if (drawnPositives === 0 || drawnNegatives === 0) continue;
    aucs.push(aucFromGroupCounts(gp, gn, drawnPositives, drawnNegatives));
    tprs.push(tprAtFprFromGroupCounts(gp, gn, drawnPositives, drawnNegatives, maxFpr));
  }
  return {
    resamples,
    seed,
    level,
    used: aucs.length,
    skipped: resamples - aucs.length,
    auc: percentileInterval(aucs, level),
    tprAtFpr: percentileInterval(tprs, level),
    maxFpr,
  };
}

function percentileInterval(values: number[], level: number): ConfidenceInterval | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - level) / 2;
  return { low: percentile(sorted, alpha), high: percentile(sorted, 1 - alpha) };
}

/** numpy's default ("linear") percentile of sorted values, q in [0, 1]. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
