import { readFile } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse/sync';
import { CsvFileError } from './csv-file-error';

/** One data row of a CSV with a header: the values of the requested columns, and the line the row ends on. */
export interface NamedCsvRow<C extends string> {
  readonly values: Record<C, string>;
  readonly line: number;
}

/** One record of a CSV (its fields, trimmed) and the line it ends on. */
export interface CsvRecordWithInfo {
  record: string[];
  info: { lines: number };
}

/**
 * Splits a CSV into records with csv-parse: the byte-order mark, CRLF/LF/CR line ends (mixed too), quoted fields
 * with commas, quotes and line breaks, and blank lines are handled; rows may differ in length (the caller checks).
 */
export function parseCsvRecords(text: string, file: string): CsvRecordWithInfo[] {
  try {
    // with `info: true` each record comes as { record, info }, which the overloads do not express
    return parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as CsvRecordWithInfo[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new CsvFileError(file, typeof line === 'number' ? line : null, `malformed CSV: ${err.message}`);
    }
    throw err;
  }
}

/**
 * Parses a CSV whose first line is a header holding (at least) `columns`, in any order; other columns are ignored.
 * csv-parse handles the byte-order mark, CRLF/LF/CR line ends (mixed too), quoted fields with commas, quotes and
 * line breaks, and blank lines. Every error names the file and the line.
 */
export function parseNamedCsv<C extends string>(text: string, file: string, columns: readonly C[]): NamedCsvRow<C>[] {
  const expected = columns.join(',');
  const records = parseCsvRecords(text, file);
  if (records.length === 0) throw new CsvFileError(file, null, `empty file (expected a header line '${expected}')`);

  const [{ record: header, info: headerInfo }, ...rows] = records;
  const position = new Map<string, number>();
  header.forEach((name, k) => {
    if (position.has(name)) throw new CsvFileError(file, headerInfo.lines, `column '${name}' appears twice in the header`);
    position.set(name, k);
  });
  const missing = columns.filter((c) => !position.has(c));
  if (missing.length > 0) {
    const found = header.join(',');
    const looksLikeData = header.length > 0 && !header.some((h) => (columns as readonly string[]).includes(h));
    throw new CsvFileError(
      file,
      headerInfo.lines,
      looksLikeData
        ? `missing header: expected '${expected}' as the first line, found '${found}'`
        : `wrong header: expected the columns '${expected}', found '${found}' (missing ${missing.map((m) => `'${m}'`).join(', ')})`,
    );
  }
  if (rows.length === 0) throw new CsvFileError(file, headerInfo.lines, 'no data rows after the header');

  return rows.map(({ record, info }) => {
    if (record.length !== header.length) {
      throw new CsvFileError(file, info.lines, `expected ${header.length} fields like the header, found ${record.length}`);
    }
    const values = {} as Record<C, string>;
    for (const c of columns) values[c] = record[position.get(c)!];
    return { values, line: info.lines };
  });
}

/** Reads a file for one of the CSV readers; a missing or unreadable file is a CsvFileError too. */
export async function readCsvText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CsvFileError(file, null, code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(err)})`);
  }
}

/** Throws on the second row carrying a name already seen, naming both lines. */
export function checkUniqueNames(rows: ReadonlyArray<{ name: string; line: number }>, file: string, column: string): void {
  const firstLine = new Map<string, number>();
  for (const { name, line } of rows) {
    const first = firstLine.get(name);
    if (first !== undefined) throw new CsvFileError(file, line, `duplicate ${column} '${name}' (first on line ${first})`);
    firstLine.set(name, line);
  }
}

/** A non-empty name, or an error on that line. */
export function checkName(name: string, file: string, line: number, column: string): string {
  if (name === '') throw new CsvFileError(file, line, `${column} is empty`);
  return name;
}
