import { CsvFileError } from './csv-file-error';
import { checkName, checkUniqueNames, parseNamedCsv, readCsvText } from './named-csv';

/** One row of a label file (`img_name,target`): 1 = fake, 0 = real. */
export interface LabelRow {
  readonly name: string;
  readonly target: 0 | 1;
  /** Line of the file the row is on (1-based, the header is line 1), for error messages further on. */
  readonly line: number;
}

export const LABEL_COLUMNS = ['img_name', 'target'] as const;

/** Parses a label CSV; `file` is only used in error messages. */
export function parseLabelCsv(text: string, file: string): LabelRow[] {
  const rows = parseNamedCsv(text, file, LABEL_COLUMNS).map(({ values, line }) => ({
    name: checkName(values.img_name, file, line, 'img_name'),
    target: parseTarget(values.target, file, line),
    line,
  }));
  checkUniqueNames(rows, file, 'img_name');
  return rows;
}

/** Reads and parses a label CSV (`img_name,target`). Throws CsvFileError (a UserError) naming file and line. */
export async function readLabelCsv(file: string): Promise<LabelRow[]> {
  return parseLabelCsv(await readCsvText(file), file);
}

// "1.0" and "0.0" are accepted because pandas writes integer columns with missing values that way.
const TARGET = /^([01])(\.0*)?$/;

function parseTarget(text: string, file: string, line: number): 0 | 1 {
  const m = TARGET.exec(text);
  if (!m) throw new CsvFileError(file, line, `target must be 0 or 1, found '${text}'`);
  return m[1] === '1' ? 1 : 0;
}
