import { evaluateScores, tprAtFpr } from '@dfl/metrics';
import { evaluationJson, formatEvaluationTable, type EvaluationReport } from './evaluation-report';

function report(maxFpr: number, bootstrap = 0): EvaluationReport {
  const labels = [0, 0, 1, 1, 0, 1, 0, 1];
  const scores = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.7, 0.6];
  const evaluation = evaluateScores(labels, scores, { maxFpr, bootstrap: bootstrap ? { n: bootstrap, seed: 1 } : undefined });
  return { predictionsFile: 'p.csv', labelsFile: 'l.csv', evaluation, tprAtDefaultFpr: tprAtFpr(labels, scores, 1e-3).tpr };
}

describe('evaluationJson', () => {
  it('always carries auc and tpr@fpr=1e-3, and the asked-for bound under its own key', () => {
    const json = evaluationJson(report(0.25));
    expect(json.auc).toBe(0.8125); // sklearn roc_auc_score gives 0.8125 (13 of 16 pairs)
    expect(json['tpr@fpr=1e-3']).toBe(0.5);
    expect(json['tpr@fpr=2.5e-1']).toBe(0.75);
    expect(json.tpr_negatives).toBe(4);
    expect(json.auc_ci).toBeNull();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('carries the bootstrap intervals when asked for', () => {
    const json = evaluationJson(report(1e-3, 50));
    expect(json.auc_ci).toEqual([expect.any(Number), expect.any(Number)]);
    expect(json.bootstrap).toMatchObject({ resamples: 50, seed: 1 });
  });
});

describe('formatEvaluationTable', () => {
  it('shows every metric, the negatives TPR rests on, and the warning', () => {
    const table = formatEvaluationTable(report(1e-3, 20));
    expect(table).toMatch(/^ {2}AUC +0\.812500 {2}95% CI \[/m);
    expect(table).toMatch(/^ {2}TPR@FPR=1e-3 +0\.500000/m);
    expect(table).toContain('on 4 negatives');
    for (const name of ['EER', 'AP', 'accuracy@0.5', 'log loss']) expect(table).toMatch(new RegExp(`^  ${name} +\\d\\.\\d{6}`, 'm'));
    expect(table).toMatch(/^warning: TPR@FPR=1e-3 rests on 4 negatives, fewer than the 1000 needed/m);
  });
});
