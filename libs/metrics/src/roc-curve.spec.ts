import { SeededRandom } from '@dfl/core';
import { reduceRocCurve, rocCurve } from './roc-curve';
import { tprAtFpr } from './tpr-at-fpr';

describe('rocCurve', () => {
  it('matches the scikit-learn docstring example', () => {
    const curve = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(Array.from(curve.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(curve.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(curve.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
  });

  it('puts tied positives and negatives on one diagonal step', () => {
    const curve = rocCurve([0, 1, 1, 0], [0.1, 0.5, 0.5, 0.5], { dropIntermediate: false });
    expect(Array.from(curve.fpr)).toEqual([0, 0.5, 1]);
    expect(Array.from(curve.tpr)).toEqual([0, 1, 1]);
  });
});

describe('reduceRocCurve', () => {
  const rng = new SeededRandom(11);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 50_000; i++) {
    const y = rng.chance(0.5) ? 1 : 0;
    labels.push(y);
    scores.push(rng.normal() + 1.5 * y);
  }
  const full = rocCurve(labels, scores, { dropIntermediate: false });
  const reduced = reduceRocCurve(full, 200);

  it('keeps at most the requested number of points, ends included', () => {
    expect(full.fpr.length).toBeGreaterThan(10_000);
    expect(reduced.fpr.length).toBeLessThanOrEqual(200);
    expect(reduced.fpr.length).toBeGreaterThan(100);
    expect([reduced.fpr[0], reduced.tpr[0]]).toEqual([0, 0]);
    expect([reduced.fpr.at(-1), reduced.tpr.at(-1)]).toEqual([1, 1]);
  });

  it('keeps only exact points of the full curve, in order', () => {
    const index = new Map<number, number>();
    full.thresholds.forEach((t, k) => index.set(t, k));
    let previous = -1;
    reduced.thresholds.forEach((t, k) => {
      const at = index.get(t)!;
      expect(at).toBeGreaterThan(previous);
      expect([reduced.fpr[k], reduced.tpr[k]]).toEqual([full.fpr[at], full.tpr[at]]);
      previous = at;
    });
  });

  it('keeps detail at low FPR: the point for FPR 1e-3 is the one tprAtFpr reports', () => {
    const low = reduced.fpr.filter((f) => f > 0 && f <= 1e-2).length;
    expect(low).toBeGreaterThan(30);
    const expected = tprAtFpr(labels, scores, 1e-3);
    const kept = reduced.fpr.findLastIndex((f) => f <= 1e-3);
    // the log grid has a target within a few percent of 1e-3, so the kept point is at most a few points earlier
    expect(expected.tpr - reduced.tpr[kept]).toBeLessThan(0.01);
  });

  it('refuses a point budget too small to hold both grids', () => {
    expect(() => reduceRocCurve(full, 3)).toThrow('maxPoints must be an integer >= 8, got: 3');
  });

  it('returns a small curve unchanged', () => {
    const small = rocCurve([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]);
    expect(reduceRocCurve(small, 200)).toBe(small);
  });
});
