import { DEFAULT_MAX_FPR, formatFpr, type ScoreEvaluation } from '@dfl/metrics';

/** What `dfl evaluate` reports: the evaluation plus what it was run on. */
export interface EvaluationReport {
  readonly predictionsFile: string;
  readonly labelsFile: string;
  readonly evaluation: ScoreEvaluation;
  /** TPR@FPR=1e-3 when another maxFpr was asked for (the JSON always carries the headline 1e-3 figure). */
  readonly tprAtDefaultFpr: number;
}

/**
 * The machine-readable summary (the last stdout line of `dfl evaluate --json`). Keys are stable: `auc` and
 * `tpr@fpr=1e-3` always, plus `tpr@fpr=<maxFpr>` when another bound was asked for.
 */
export function evaluationJson(report: EvaluationReport): Record<string, unknown> {
  const e = report.evaluation;
  const fpr = formatFpr(e.tprAtFpr.maxFpr);
  const boot = e.bootstrap;
  return {
    predictions: report.predictionsFile,
    labels: report.labelsFile,
    n: e.samples,
    n_pos: e.positives,
    n_neg: e.negatives,
    auc: e.auc,
    auc_ci: boot?.auc ? [boot.auc.low, boot.auc.high] : null,
    [`tpr@fpr=${formatFpr(DEFAULT_MAX_FPR)}`]: report.tprAtDefaultFpr,
    [`tpr@fpr=${fpr}`]: e.tprAtFpr.tpr,
    [`tpr@fpr=${fpr}_ci`]: boot?.tprAtFpr ? [boot.tprAtFpr.low, boot.tprAtFpr.high] : null,
    [`threshold@fpr=${fpr}`]: Number.isFinite(e.tprAtFpr.threshold) ? e.tprAtFpr.threshold : null,
    max_fpr: e.tprAtFpr.maxFpr,
    tpr_negatives: e.tprAtFpr.negatives,
    eer: e.eer.eer,
    eer_threshold: Number.isFinite(e.eer.threshold) ? e.eer.threshold : null,
    ap: e.averagePrecision,
    'accuracy@0.5': e.accuracy,
    log_loss: e.logLoss,
    bootstrap: boot ? { resamples: boot.resamples, used: boot.used, skipped: boot.skipped, seed: boot.seed, level: boot.level } : null,
    roc: e.rocCurve,
    warnings: e.warnings,
  };
}

/** The readable table `dfl evaluate` prints. */
export function formatEvaluationTable(report: EvaluationReport): string {
  const e = report.evaluation;
  const boot = e.bootstrap;
  const fpr = formatFpr(e.tprAtFpr.maxFpr);
  const num = (x: number): string => x.toFixed(6);
  const ci = (interval: { low: number; high: number } | null | undefined): string =>
    boot && interval ? `  ${Math.round(boot.level * 100)}% CI [${num(interval.low)}, ${num(interval.high)}]` : '';
  const threshold = Number.isFinite(e.tprAtFpr.threshold) ? `score >= ${e.tprAtFpr.threshold}` : 'no threshold reaches it';
  const rows: Array<[string, string]> = [
    ['samples', `${e.samples} (${e.positives} fake, ${e.negatives} real)`],
    ['AUC', num(e.auc) + ci(boot?.auc)],
    [`TPR@FPR=${fpr}`, num(e.tprAtFpr.tpr) + ci(boot?.tprAtFpr)],
    ['', `at FPR ${num(e.tprAtFpr.fpr)} (${threshold}), on ${e.tprAtFpr.negatives} negatives`],
  ];
  if (fpr !== formatFpr(DEFAULT_MAX_FPR)) rows.push([`TPR@FPR=${formatFpr(DEFAULT_MAX_FPR)}`, num(report.tprAtDefaultFpr)]);
  rows.push(
    ['EER', num(e.eer.eer)],
    ['AP', num(e.averagePrecision)],
    ['accuracy@0.5', num(e.accuracy)],
    ['log loss', num(e.logLoss)],
  );
  if (boot) rows.push(['bootstrap', `${boot.used} of ${boot.resamples} resamples used, seed ${boot.seed}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`${report.predictionsFile} vs ${report.labelsFile}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
