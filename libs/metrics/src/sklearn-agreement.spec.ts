import { loadSklearnCases } from '../fixtures/sklearn-fixtures';
import { accuracyAtThreshold } from './accuracy';
import { averagePrecisionScore } from './average-precision';
import { equalErrorRate } from './eer';
import { evaluateScores } from './evaluate-scores';
import { logLoss } from './log-loss';
import { rocAucScore } from './roc-auc';
import { rocCurve } from './roc-curve';
import { tprAtFpr } from './tpr-at-fpr';

const TOLERANCE = 1e-9;
const cases = loadSklearnCases();

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOLERANCE);
}

describe.each(cases.map((c) => [c.name, c] as const))('agrees with scikit-learn 1.2 on the %s case', (_name, c) => {
  const { labels, scores, expected } = c;

  it('roc_auc_score', () => expectClose(rocAucScore(labels, scores), expected.auc));

  it.each(Object.entries(expected.tpr_at_fpr))('TPR at max FPR %s', (maxFpr, tpr) => {
    expectClose(tprAtFpr(labels, scores, Number(maxFpr)).tpr, tpr);
  });

  it('equal error rate', () => expectClose(equalErrorRate(labels, scores).eer, expected.eer));
  it('average_precision_score', () => expectClose(averagePrecisionScore(labels, scores), expected.average_precision));
  it('accuracy_score at score > 0.5', () => expectClose(accuracyAtThreshold(labels, scores), expected.accuracy));
  it('log_loss', () => expectClose(logLoss(labels, scores), expected.log_loss));

  it('roc_curve has the same number of points, with and without drop_intermediate', () => {
    expect(rocCurve(labels, scores).fpr.length).toBe(expected.roc_points);
    expect(rocCurve(labels, scores, { dropIntermediate: false }).fpr.length).toBe(expected.roc_points_all);
  });

  if (expected.roc_curve) {
    const want = expected.roc_curve;
    it('roc_curve points and thresholds', () => {
      const got = rocCurve(labels, scores);
      want.fpr.forEach((f, k) => expectClose(got.fpr[k], f));
      want.tpr.forEach((t, k) => expectClose(got.tpr[k], t));
      expect(got.thresholds[0]).toBe(Infinity);
      expect(Array.from(got.thresholds.subarray(1))).toEqual(want.thresholds);
    });
  }

  it('evaluateScores returns the same values from its single sort', () => {
    const result = evaluateScores(labels, scores);
    expect([result.positives, result.negatives]).toEqual([expected.positives, expected.negatives]);
    expectClose(result.auc, expected.auc);
    expectClose(result.tprAtFpr.tpr, expected.tpr_at_fpr['0.001']);
    expectClose(result.eer.eer, expected.eer);
    expectClose(result.averagePrecision, expected.average_precision);
    expectClose(result.accuracy, expected.accuracy);
    expectClose(result.logLoss, expected.log_loss);
  });
});
