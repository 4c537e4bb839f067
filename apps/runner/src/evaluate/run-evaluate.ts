import { UserError } from '@dfl/core';
import { readLabelCsv, readPredictionCsv } from '@dfl/data';
import { DEFAULT_MAX_FPR, evaluateScores, MetricInputError, tprAtFpr } from '@dfl/metrics';
import { evaluationJson, formatEvaluationTable, type EvaluationReport } from './evaluation-report';
import { joinByName } from './join-by-name';

/** `dfl evaluate` options as commander hands them over (strings, checked here). */
export interface EvaluateCommandOptions {
  predictions: string;
  labels: string;
  json?: boolean;
  maxFpr?: string;
  bootstrap?: string;
  seed?: string;
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;

/** Reads both files, joins them by name, computes every metric and returns what to print. */
export async function evaluateFiles(options: EvaluateCommandOptions): Promise<EvaluationReport> {
  const maxFpr = parseNumber('--max-fpr', options.maxFpr, DEFAULT_MAX_FPR, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const resamples = parseNumber('--bootstrap', options.bootstrap, DEFAULT_BOOTSTRAP_RESAMPLES, isCount, 'a whole number >= 0');
  const seed = parseNumber('--seed', options.seed, 0, isCount, 'a whole number >= 0');
  const [labelRows, predictionRows] = await Promise.all([readLabelCsv(options.labels), readPredictionCsv(options.predictions)]);
  const joined = joinByName(labelRows, predictionRows, { labels: options.labels, predictions: options.predictions });
  try {
    const evaluation = evaluateScores(joined.labels, joined.scores, {
      maxFpr,
      bootstrap: resamples > 0 ? { n: resamples, seed } : undefined,
    });
    const tprAtDefaultFpr =
      maxFpr === DEFAULT_MAX_FPR ? evaluation.tprAtFpr.tpr : tprAtFpr(joined.labels, joined.scores, DEFAULT_MAX_FPR).tpr;
    return { predictionsFile: options.predictions, labelsFile: options.labels, evaluation, tprAtDefaultFpr };
  } catch (err) {
    // The CSV readers already rule out bad scores; what is left is a label file with one class only.
    if (err instanceof MetricInputError) throw new UserError(`${options.labels}: ${err.message}`);
    throw err;
  }
}

/** The command's whole output: the table, then (with --json) one JSON line, last. */
export async function runEvaluate(options: EvaluateCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const report = await evaluateFiles(options);
  out.write(formatEvaluationTable(report));
  if (options.json) out.write(JSON.stringify(evaluationJson(report)) + '\n');
}

function isCount(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}

function parseNumber(flag: string, text: string | undefined, fallback: number, ok: (x: number) => boolean, what: string): number {
  if (text === undefined) return fallback;
  const x = text.trim() === '' ? NaN : Number(text);
  if (!ok(x)) throw new UserError(`${flag} must be ${what}, got '${text}'`);
  return x;
}
