import { UserError } from '@dfl/core';
import type { LabelRow, PredictionRow } from '@dfl/data';

/** Labels and scores in the same order (the label file's), ready for the metrics. */
export interface JoinedScores {
  readonly names: string[];
  readonly labels: Uint8Array;
  readonly scores: Float64Array;
}

const EXAMPLES = 5;

/**
 * Pairs every label with the prediction of the same name, whatever the order of either file. Names present in only
 * one file are an error: a submission that misses images (or scores others) would give a misleading AUC.
 */
export function joinByName(
  labels: readonly LabelRow[],
  predictions: readonly PredictionRow[],
  files: { labels: string; predictions: string },
): JoinedScores {
  const byName = new Map<string, PredictionRow>();
  for (const p of predictions) byName.set(p.name, p);
  const n = labels.length;
  const names: string[] = new Array<string>(n);
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  const unpredicted: LabelRow[] = [];
  const matched = new Set<string>();
  labels.forEach((row, i) => {
    const p = byName.get(row.name);
    if (p === undefined) {
      unpredicted.push(row);
      return;
    }
    matched.add(row.name);
    names[i] = row.name;
    y[i] = row.target;
    s[i] = p.score;
  });
  const unlabelled = predictions.filter((p) => !matched.has(p.name));
  if (unpredicted.length > 0 || unlabelled.length > 0) {
    const lines = [`${files.predictions} and ${files.labels} do not name the same images:`];
    if (unpredicted.length > 0) {
      lines.push(`  ${unpredicted.length} of the ${n} images in ${files.labels} have no prediction in ${files.predictions}, e.g. ${examples(unpredicted)}`);
    }
    if (unlabelled.length > 0) {
      lines.push(
        `  ${unlabelled.length} of the ${predictions.length} images in ${files.predictions} have no label in ${files.labels}, e.g. ${examples(unlabelled)}`,
      );
    }
    throw new UserError(lines.join('\n'));
  }
  return { names, labels: y, scores: s };
}

function examples(rows: ReadonlyArray<{ name: string; line: number }>): string {
  const shown = rows.slice(0, EXAMPLES).map((r) => `${JSON.stringify(r.name)} (line ${r.line})`);
  return shown.join(', ') + (rows.length > EXAMPLES ? `, ... (${rows.length - EXAMPLES} more)` : '');
}
