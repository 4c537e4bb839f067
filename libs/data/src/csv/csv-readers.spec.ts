import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { CsvFileError } from './csv-file-error';
import { parseLabelCsv, readLabelCsv } from './label-csv';
import { parsePredictionCsv, readPredictionCsv } from './prediction-csv';

/** The error a parse throws, so its message and line can be checked. */
function errorOf(run: () => unknown): CsvFileError {
  try {
    run();
  } catch (err) {
    if (err instanceof CsvFileError) return err;
    throw err;
  }
  throw new Error('expected a CsvFileError');
}

describe('parseLabelCsv', () => {
  it('reads typed rows with their line numbers', () => {
    expect(parseLabelCsv('img_name,target\na.jpg,1\nb.jpg,0\n', 'val_label.txt')).toEqual([
      { name: 'a.jpg', target: 1, line: 2 },
      { name: 'b.jpg', target: 0, line: 3 },
    ]);
  });

  it('handles a byte-order mark, CRLF, blank lines and a missing final newline', () => {
    const rows = parseLabelCsv('\ufeffimg_name,target\r\na.jpg,1\r\n\r\nb.jpg,0', 'l.csv');
    expect(rows).toEqual([
      { name: 'a.jpg', target: 1, line: 2 },
      { name: 'b.jpg', target: 0, line: 4 },
    ]);
  });

  it('handles quoted names with commas, quotes and line breaks, and columns in any order', () => {
    const text = 'target,img_name,extra\n1,"a,b.jpg",x\n0,"say ""hi"".jpg",y\n1,"two\nlines.jpg",z\n';
    expect(parseLabelCsv(text, 'l.csv').map((r) => [r.name, r.target, r.line])).toEqual([
      ['a,b.jpg', 1, 2],
      ['say "hi".jpg', 0, 3],
      ['two\nlines.jpg', 1, 5],
    ]);
  });

  it('accepts 1.0 and 0.0 as targets', () => {
    expect(parseLabelCsv('img_name,target\na,1.0\nb,0.0\n', 'l.csv').map((r) => r.target)).toEqual([1, 0]);
  });

  it.each([
    ['an empty file', '', "l.csv: empty file (expected a header line 'img_name,target')"],
    ['a file with only a BOM and blank lines', '\ufeff\n\n', "l.csv: empty file (expected a header line 'img_name,target')"],
    ['a missing header', 'a.jpg,1\nb.jpg,0\n', "l.csv:1: missing header: expected 'img_name,target' as the first line, found 'a.jpg,1'"],
    ['a wrong header', 'img_name,label\na.jpg,1\n', "l.csv:1: wrong header: expected the columns 'img_name,target', found 'img_name,label' (missing 'target')"],
    ['a header without rows', 'img_name,target\n', 'l.csv:1: no data rows after the header'],
    ['a label that is not 0/1', 'img_name,target\na.jpg,1\nb.jpg,2\n', "l.csv:3: target must be 0 or 1, found '2'"],
    ['an empty label', 'img_name,target\na.jpg,\n', "l.csv:2: target must be 0 or 1, found ''"],
    ['an empty name', 'img_name,target\n,1\n', 'l.csv:2: img_name is empty'],
    ['a duplicate name', 'img_name,target\na.jpg,1\nb.jpg,0\na.jpg,0\n', "l.csv:4: duplicate img_name 'a.jpg' (first on line 2)"],
    ['a row with too many fields', 'img_name,target\na.jpg,1\nb.jpg,0,7\n', 'l.csv:3: expected 2 fields like the header, found 3'],
    ['a repeated header column', 'img_name,target,target\na,1,1\n', "l.csv:1: column 'target' appears twice in the header"],
  ])('rejects %s, naming file and line', (_what, text, message) => {
    const err = errorOf(() => parseLabelCsv(text, 'l.csv'));
    expect(err.message).toBe(message);
    expect(err).toBeInstanceOf(UserError);
  });

  it('reports the line of an unclosed quote', () => {
    const err = errorOf(() => parseLabelCsv('img_name,target\na.jpg,1\n"b.jpg,0\n', 'l.csv'));
    expect(err.message).toMatch(/^l\.csv:\d+: malformed CSV: Quote Not Closed/);
    expect(err.line).toBeGreaterThanOrEqual(3);
  });
});

describe('parsePredictionCsv', () => {
  it('reads scores as numbers, including exponents and the bounds', () => {
    const rows = parsePredictionCsv('img_name,y_pred\r\na.jpg,0.25\r\n"b.jpg",1e-7\r\nc.jpg,1\r\nd.jpg,0\r\n', 'p.csv');
    expect(rows.map((r) => [r.name, r.score, r.line])).toEqual([
      ['a.jpg', 0.25, 2],
      ['b.jpg', 1e-7, 3],
      ['c.jpg', 1, 4],
      ['d.jpg', 0, 5],
    ]);
  });

  it.each([
    ['a score that is not a number', 'img_name,y_pred\na.jpg,0.5\nb.jpg,abc\n', "p.csv:3: y_pred must be a number in [0, 1], found 'abc'"],
    ['a hexadecimal score', 'img_name,y_pred\na.jpg,0x1\n', "p.csv:2: y_pred must be a number in [0, 1], found '0x1'"],
    ['NaN', 'img_name,y_pred\na.jpg,NaN\n', "p.csv:2: y_pred must be a number in [0, 1], found 'NaN'"],
    ['a score above 1', 'img_name,y_pred\na.jpg,1.5\n', 'p.csv:2: y_pred must be in [0, 1], found 1.5'],
    ['a negative score', 'img_name,y_pred\na.jpg,-0.1\n', 'p.csv:2: y_pred must be in [0, 1], found -0.1'],
    ['an empty score', 'img_name,y_pred\na.jpg,\n', 'p.csv:2: y_pred is empty (expected a number in [0, 1])'],
    ['a label file given as predictions', 'img_name,target\na.jpg,1\n', "p.csv:1: wrong header: expected the columns 'img_name,y_pred', found 'img_name,target' (missing 'y_pred')"],
    ['a duplicate name', 'img_name,y_pred\na.jpg,0.1\na.jpg,0.2\n', "p.csv:3: duplicate img_name 'a.jpg' (first on line 2)"],
  ])('rejects %s, naming file and line', (_what, text, message) => {
    expect(errorOf(() => parsePredictionCsv(text, 'p.csv')).message).toBe(message);
  });
});

describe('reading files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dfl-csv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads both kinds from disk and names the path in errors', async () => {
    const labels = path.join(dir, 'val_label.txt');
    const predictions = path.join(dir, 'prediction.csv');
    writeFileSync(labels, '\ufeffimg_name,target\r\nx.png,1\r\n');
    writeFileSync(predictions, 'img_name,y_pred\nx.png,0.9\ny.png,2\n');
    await expect(readLabelCsv(labels)).resolves.toEqual([{ name: 'x.png', target: 1, line: 2 }]);
    await expect(readPredictionCsv(predictions)).rejects.toThrow(`${predictions}:3: y_pred must be in [0, 1], found 2`);
    await expect(readLabelCsv(path.join(dir, 'missing.csv'))).rejects.toThrow(`${path.join(dir, 'missing.csv')}: no such file`);
  });
});
