import { CsvFileError } from './csv-file-error';
import { checkName, checkUniqueNames, parseNamedCsv, readCsvText } from './named-csv';

/** A face box in pixels of the image as displayed (after its EXIF orientation): left, top, right, bottom. */
export interface FaceBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** One row of a face-box file (`img_name,x1,y1,x2,y2`). */
export interface FaceBoxRow {
  readonly name: string;
  readonly box: FaceBox;
  readonly line: number;
}

export const FACE_BOX_COLUMNS = ['img_name', 'x1', 'y1', 'x2', 'y2'] as const;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a face-box CSV (header `img_name,x1,y1,x2,y2`, other columns ignored, e.g. a detector's `score`); `file`
 * is only used in error messages. Coordinates are pixels, need not be integers, and must satisfy
 * 0 <= x1 < x2 and 0 <= y1 < y2; a box may reach past the right or bottom edge (it is clipped when cropping).
 */
export function parseFaceBoxCsv(text: string, file: string): FaceBoxRow[] {
  const rows = parseNamedCsv(text, file, FACE_BOX_COLUMNS).map(({ values, line }) => {
    const coord = (c: 'x1' | 'y1' | 'x2' | 'y2') => {
      const v = values[c];
      if (!NUMBER.test(v)) throw new CsvFileError(file, line, `${c} must be a number of pixels, found '${v}'`);
      const n = Number(v);
      if (n < 0) throw new CsvFileError(file, line, `${c} must be >= 0, found ${v}`);
      return n;
    };
    const box = { x1: coord('x1'), y1: coord('y1'), x2: coord('x2'), y2: coord('y2') };
    if (!(box.x2 > box.x1)) throw new CsvFileError(file, line, `x2 must be greater than x1, found x1=${box.x1} x2=${box.x2}`);
    if (!(box.y2 > box.y1)) throw new CsvFileError(file, line, `y2 must be greater than y1, found y1=${box.y1} y2=${box.y2}`);
    return { name: checkName(values.img_name, file, line, 'img_name'), box, line };
  });
  checkUniqueNames(rows, file, 'img_name');
  return rows;
}

/** Reads and parses a face-box CSV. Throws CsvFileError (a UserError) naming the file and line. */
export async function readFaceBoxCsv(file: string): Promise<FaceBoxRow[]> {
  return parseFaceBoxCsv(await readCsvText(file), file);
}
