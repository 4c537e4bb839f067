import { SeededRandom } from '@dfl/core';
import { bootstrapCi, percentile } from './bootstrap';
import { rocAucScore } from './roc-auc';
import { tprAtFpr } from './tpr-at-fpr';

function makeData(n: number, seed: number): { labels: number[]; scores: number[] } {
  const rng = new SeededRandom(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.chance(0.4) ? 1 : 0;
    labels.push(y);
    scores.push(Math.round((rng.normal() + y) * 100) / 100);
  }
  return { labels, scores };
}

describe('bootstrapCi', () => {
  const { labels, scores } = makeData(3000, 7);

  it('is reproducible from its seed and changes with it', () => {
    const a = bootstrapCi(labels, scores, { n: 50, seed: 1 });
    const b = bootstrapCi(labels, scores, { n: 50, seed: 1 });
    const c = bootstrapCi(labels, scores, { n: 50, seed: 2 });
    expect(b).toEqual(a);
    expect(c.auc).not.toEqual(a.auc);
  });

  it('brackets the point estimates with a plausible width', () => {
    const auc = rocAucScore(labels, scores);
    const tpr = tprAtFpr(labels, scores, 0.01).tpr;
    const ci = bootstrapCi(labels, scores, { n: 200, seed: 3, maxFpr: 0.01 });
    expect(ci.used).toBe(200);
    expect(ci.skipped).toBe(0);
    expect(ci.auc!.low).toBeLessThan(auc);
    expect(ci.auc!.high).toBeGreaterThan(auc);
    // For AUC ~0.76 on 3000 samples the standard error is ~0.009, so a 95% interval is ~0.035 wide.
    expect(ci.auc!.high - ci.auc!.low).toBeGreaterThan(0.015);
    expect(ci.auc!.high - ci.auc!.low).toBeLessThan(0.08);
    expect(ci.tprAtFpr!.low).toBeLessThanOrEqual(tpr);
    expect(ci.tprAtFpr!.high).toBeGreaterThanOrEqual(tpr);
  });

  it('a narrower level gives a narrower interval', () => {
    const wide = bootstrapCi(labels, scores, { n: 100, seed: 4, level: 0.95 });
    const narrow = bootstrapCi(labels, scores, { n: 100, seed: 4, level: 0.5 });
    expect(narrow.auc!.high - narrow.auc!.low).toBeLessThan(wide.auc!.high - wide.auc!.low);
  });

  it('skips resamples that draw a single class and counts them', () => {
    // One positive among three samples: a resample misses it with probability (2/3)^3 = 0.30.
    const ci = bootstrapCi([0, 0, 1], [0.1, 0.2, 0.9], { n: 400, seed: 5 });
    expect(ci.skipped).toBeGreaterThan(60);
    expect(ci.skipped).toBeLessThan(190);
    expect(ci.used + ci.skipped).toBe(400);
    expect(ci.auc).toEqual({ low: 1, high: 1 });
  });

  it('rejects a resample count that is not a positive integer', () => {
    expect(() => bootstrapCi(labels, scores, { n: 0, seed: 1 })).toThrow('positive integer');
    expect(() => bootstrapCi(labels, scores, { n: 2.5, seed: 1 })).toThrow('positive integer');
  });
});

describe('percentile', () => {
  it('interpolates linearly like numpy.percentile', () => {
    const v = [1, 2, 3, 4, 10];
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 1)).toBe(10);
    expect(percentile(v, 0.5)).toBe(3);
    expect(percentile(v, 0.9)).toBeCloseTo(7.6, 12); // numpy.percentile([1,2,3,4,10], 90) == 7.6
  });
});
