import { CsvFileError } from './csv-file-error';
import { checkName, checkUniqueNames, parseNamedCsv, readCsvText } from './named-csv';

/** One row of a prediction (submission) file (`img_name,y_pred`): the predicted probability of "fake". */
export interface PredictionRow {
  readonly name: string;
  readonly score: number;
  /** Line of the file the row is on (1-based, the header is line 1). */
  readonly line: number;
}

export const PREDICTION_COLUMNS = ['img_name', 'y_pred'] as const;

/** Parses a prediction CSV; `file` is only used in error messages. */
export function parsePredictionCsv(text: string, file: string): PredictionRow[] {
  const rows = parseNamedCsv(text, file, PREDICTION_COLUMNS).map(({ values, line }) => ({
    name: checkName(values.img_name, file, line, 'img_name'),
    score: parseScore(values.y_pred, file, line),
    line,
  }));
  checkUniqueNames(rows, file, 'img_name');
  return rows;
}

/** Reads and parses a prediction CSV (`img_name,y_pred`). Throws CsvFileError (a UserError) naming file and line. */
export async function readPredictionCsv(file: string): Promise<PredictionRow[]> {
  return parsePredictionCsv(await readCsvText(file), file);
}

// A plain decimal number: Number() alone would also take '', '0x1', 'Infinity' and ' '.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseScore(text: string, file: string, line: number): number {
  if (text === '') throw new CsvFileError(file, line, 'y_pred is empty (expected a number in [0, 1])');
  if (!DECIMAL.test(text)) throw new CsvFileError(file, line, `y_pred must be a number in [0, 1], found '${text}'`);
  const score = Number(text);
  if (!(score >= 0 && score <= 1)) throw new CsvFileError(file, line, `y_pred must be in [0, 1], found ${text}`);
  return score;
}
