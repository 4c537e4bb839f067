import { CsvFileError } from './csv-file-error';
import { checkName, checkUniqueNames, parseCsvRecords, readCsvText } from './named-csv';

/** One landmark in pixels of the image as displayed (after its EXIF orientation): x, y. */
export type LandmarkPoint = readonly [number, number];

/** One row of a landmark file (`img_name,x0,y0,x1,y1,...`). */
export interface LandmarkRow {
  readonly name: string;
  readonly points: readonly LandmarkPoint[];
  readonly line: number;
}

/** Fewest points a row may give: three make the smallest hull with an inside. */
export const MIN_LANDMARKS = 3;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a landmark CSV: the header is `img_name` followed by `x0,y0,x1,y1,...` (at least three points), and each
 * row gives an image's points as pixels of the image as displayed. Rows may hold fewer points than the header
 * (detectors differ; trailing empty fields are dropped), but always whole x,y pairs, at least three. Coordinates
 * need not be integers and may lie outside the image (they are clamped where they are used). `file` is only used
 * in error messages, which name the line.
 */
export function parseLandmarkCsv(text: string, file: string): LandmarkRow[] {
  const records = parseCsvRecords(text, file);
  if (records.length === 0) throw new CsvFileError(file, null, "empty file (expected a header line 'img_name,x0,y0,x1,y1,...')");
  const [{ record: header, info: headerInfo }, ...data] = records;
  checkHeader(header, file, headerInfo.lines);
  if (data.length === 0) throw new CsvFileError(file, headerInfo.lines, 'no data rows after the header');
  const maxCoords = header.length - 1;

  const rows = data.map(({ record, info }): LandmarkRow => {
    const line = info.lines;
    let end = record.length;
    while (end > 1 && record[end - 1] === '') end--;
    const coords = record.slice(1, end);
    if (coords.length > maxCoords) throw new CsvFileError(file, line, `${coords.length} coordinates, more than the header's ${maxCoords}`);
    if (coords.length % 2 !== 0) throw new CsvFileError(file, line, `an odd number of coordinates (${coords.length}): each point is an x,y pair`);
    if (coords.length < 2 * MIN_LANDMARKS) {
      throw new CsvFileError(file, line, `${coords.length / 2} point(s); at least ${MIN_LANDMARKS} are needed for a hull`);
    }
    const value = (k: number) => {
      const v = coords[k];
      const column = `${k % 2 === 0 ? 'x' : 'y'}${k >> 1}`;
      if (!NUMBER.test(v)) throw new CsvFileError(file, line, `${column} must be a number of pixels, found '${v}'`);
      return Number(v);
    };
    const points: LandmarkPoint[] = [];
    for (let k = 0; k < coords.length; k += 2) points.push([value(k), value(k + 1)]);
    return { name: checkName(record[0] ?? '', file, line, 'img_name'), points, line };
  });
  checkUniqueNames(rows, file, 'img_name');
  return rows;
}

function checkHeader(header: readonly string[], file: string, line: number): void {
  const found = header.join(',');
  if (header[0] !== 'img_name') {
    const looksLikeData = header.length > 0 && !header.includes('img_name');
    throw new CsvFileError(
      file,
      line,
      looksLikeData
        ? `missing header: expected 'img_name,x0,y0,x1,y1,...' as the first line, found '${found}'`
        : `wrong header: the first column must be 'img_name', found '${found}'`,
    );
  }
  const coords = header.length - 1;
  if (coords % 2 !== 0) throw new CsvFileError(file, line, `the header has an odd number of coordinate columns (${coords}): expected x0,y0,x1,y1,...`);
  if (coords < 2 * MIN_LANDMARKS) throw new CsvFileError(file, line, `the header names ${coords / 2} point(s); at least ${MIN_LANDMARKS} (x0,y0,x1,y1,x2,y2) are needed`);
  for (let k = 0; k < coords; k++) {
    const want = `${k % 2 === 0 ? 'x' : 'y'}${k >> 1}`;
    if (header[k + 1] !== want) throw new CsvFileError(file, line, `header column ${k + 2} must be '${want}' (img_name,x0,y0,x1,y1,...), found '${header[k + 1]}'`);
  }
}

/** Reads and parses a landmark CSV. Throws CsvFileError (a UserError) naming the file and line. */
export async function readLandmarkCsv(file: string): Promise<LandmarkRow[]> {
  return parseLandmarkCsv(await readCsvText(file), file);
}
