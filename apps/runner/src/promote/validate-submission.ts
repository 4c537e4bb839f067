import { CsvFileError, parsePredictionCsv, PREDICTION_COLUMNS } from '@dfl/data';

const HEADER = PREDICTION_COLUMNS.join(',');
const EXAMPLES = 5;

/**
 * Every reason a submission would be rejected, all at once (empty: valid): the header is exactly `img_name,y_pred`,
 * each test image has exactly one row, no row names another image, every y_pred is a finite number in [0, 1].
 */
export function validateSubmission(text: string, expectedNames: readonly string[], file: string): string[] {
  const problems: string[] = [];
  const firstLine = text.split(/\r?\n/, 1)[0];
  if (firstLine !== HEADER) problems.push(`${file}: header must be exactly '${HEADER}', found '${firstLine.replace(/^\uFEFF/, '<BOM>')}'`);
  let rows;
  try {
    rows = parsePredictionCsv(text, file);
  } catch (err) {
    if (err instanceof CsvFileError) return [...problems, err.message];
    throw err;
  }
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.name);
    // the parser checks the range; NaN and the infinities are spelled in ways it refuses, but check the value too
    if (!Number.isFinite(row.score) || row.score < 0 || row.score > 1) problems.push(`${file}:${row.line}: y_pred ${row.score} is not a finite number in [0, 1]`);
  }
  const expected = new Set(expectedNames);
  const missing = expectedNames.filter((n) => !seen.has(n));
  const extra = rows.filter((r) => !expected.has(r.name)).map((r) => r.name);
  const list = (names: string[]) => names.slice(0, EXAMPLES).join(', ') + (names.length > EXAMPLES ? `, ... (${names.length} in all)` : '');
  if (missing.length > 0) problems.push(`${file}: ${missing.length} test image(s) have no row: ${list(missing)}`);
  if (extra.length > 0) problems.push(`${file}: ${extra.length} row(s) name no test image: ${list(extra)}`);
  return problems;
}
