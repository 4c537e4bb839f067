import { SeededRandom } from '@dfl/core';
import { evaluateScores } from './evaluate-scores';

function makeData(negatives: number, positives: number, seed: number): { labels: number[]; scores: number[] } {
  const rng = new SeededRandom(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < negatives + positives; i++) {
    const y = i < positives ? 1 : 0;
    labels.push(y);
    scores.push(1 / (1 + Math.exp(-(rng.normal() + 2 * y))));
  }
  return { labels, scores };
}

describe('evaluateScores', () => {
  it('warns when TPR@1e-3 rests on fewer than 1000 negatives, and says on how many', () => {
    const { labels, scores } = makeData(999, 100, 1);
    const result = evaluateScores(labels, scores);
    expect(result.tprAtFpr.negatives).toBe(999);
    expect(result.tprAtFpr.negativesNeeded).toBe(1000);
    expect(result.tprAtFpr.warning).toMatch(/rests on 999 negatives, fewer than the 1000 needed/);
    expect(result.warnings).toContain(result.tprAtFpr.warning);
  });

  it('does not warn from 1000 negatives on', () => {
    const { labels, scores } = makeData(1000, 100, 2);
    const result = evaluateScores(labels, scores);
    expect(result.tprAtFpr.warning).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('scales the needed negatives with maxFpr', () => {
    const { labels, scores } = makeData(150, 50, 3);
    expect(evaluateScores(labels, scores, { maxFpr: 1e-2 }).tprAtFpr.warning).toBeUndefined();
    expect(evaluateScores(labels, scores, { maxFpr: 1e-3 }).tprAtFpr.warning).toBeDefined();
  });

  it('warns when scores are not probabilities', () => {
    const result = evaluateScores([0, 1, 0, 1], [-2, 3, 0.5, 0.7]);
    expect(result.warnings.join('\n')).toMatch(/outside \[0, 1\]/);
  });

  it('adds bootstrap intervals only when asked, with a JSON-safe ROC curve', () => {
    const { labels, scores } = makeData(500, 500, 4);
    const plain = evaluateScores(labels, scores);
    expect(plain.bootstrap).toBeNull();
    const boot = evaluateScores(labels, scores, { bootstrap: { n: 30, seed: 9 } });
    expect(boot.bootstrap?.used).toBe(30);
    expect(boot.bootstrap?.auc?.low).toBeLessThan(boot.auc);
    expect(boot.rocCurve.thresholds[0]).toBeNull();
    expect(JSON.parse(JSON.stringify(boot.rocCurve))).toEqual(boot.rocCurve);
  });

  it('scores a threshold of exactly 0.5 as negative for accuracy', () => {
    expect(evaluateScores([0, 1], [0.5, 0.5]).accuracy).toBe(0.5);
    expect(evaluateScores([1, 0], [0.5, 0.4]).accuracy).toBe(0.5);
  });
});
