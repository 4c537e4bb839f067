import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '@dfl/core';

/**
 * Writes `img_name,y_pred` (the challenge's submission format) atomically. Scores keep 9 significant digits:
 * enough that re-reading the file reproduces the AUC to 1e-9, short enough to stay readable.
 */
export async function writePredictionsCsv(file: string, names: readonly string[], scores: ArrayLike<number>): Promise<void> {
  await writeFileAtomic(file, predictionsCsvText(names, scores));
}

/** The text {@link writePredictionsCsv} writes (promote validates it before writing; `dfl predict` prints it). */
export function predictionsCsvText(names: readonly string[], scores: ArrayLike<number>): string {
  const rows = names.map((name, i) => [name, formatScore(Number(scores[i]))]);
  return stringify(rows, { header: true, columns: ['img_name', 'y_pred'] });
}

/** 9 significant digits without trailing zeros; in exponent form only the mantissa's ("2.5e-10", never "2.5e-1"). */
export function formatScore(x: number): string {
  const text = x.toPrecision(9);
  return text.includes('e') ? text.replace(/\.?0+e/, 'e') : text.replace(/\.?0+$/, '');
}
