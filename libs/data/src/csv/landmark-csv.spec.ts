import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { tempDir } from '../testing/test-images';
import { CsvFileError } from './csv-file-error';
import { parseLandmarkCsv, readLandmarkCsv } from './landmark-csv';

const FILE = '/data/landmarks.csv';
const HEADER = 'img_name,x0,y0,x1,y1,x2,y2';

function errorOf(text: string): CsvFileError {
  try {
    parseLandmarkCsv(text, FILE);
  } catch (err) {
    if (err instanceof CsvFileError) return err;
    throw err;
  }
  throw new Error('expected a CsvFileError');
}

describe('parseLandmarkCsv', () => {
  it('reads points as x,y pairs with their line numbers (decimals, exponents, negatives)', () => {
    const rows = parseLandmarkCsv(`${HEADER}\na.jpg,10,20,30.5,20,1e1,4e1\nb.png,-2,0,5,0,5,6\n`, FILE);
    expect(rows).toEqual([
      { name: 'a.jpg', points: [[10, 20], [30.5, 20], [10, 40]], line: 2 },
      { name: 'b.png', points: [[-2, 0], [5, 0], [5, 6]], line: 3 },
    ]);
  });

  it('takes any even number of coordinates from 6 up to the header; trailing empty fields are dropped', () => {
    const header = 'img_name,x0,y0,x1,y1,x2,y2,x3,y3';
    const rows = parseLandmarkCsv(`\ufeff${header}\r\na.jpg,1,2,3,4,5,6,7,8\r\n\r\nb.jpg,1,2,3,4,5,6,,\r\nc.jpg,1,2,3,4,5,6`, FILE);
    expect(rows.map((r) => [r.name, r.points.length, r.line])).toEqual([
      ['a.jpg', 4, 2],
      ['b.jpg', 3, 4],
      ['c.jpg', 3, 5],
    ]);
  });

  it('reads a quoted name with a comma', () => {
    expect(parseLandmarkCsv(`${HEADER}\n"a,b.jpg",1,2,3,4,5,6\n`, FILE)[0].name).toBe('a,b.jpg');
  });

  it.each([
    [`${HEADER}\na.jpg,1,2,3,4,5,6,7\n`, /landmarks\.csv:2: 7 coordinates, more than the header's 6/],
    ['img_name,x0,y0,x1,y1,x2,y2,x3,y3\na.jpg,1,2,3,4,5,6,7\n', /landmarks\.csv:2: an odd number of coordinates \(7\): each point is an x,y pair/],
    [`${HEADER}\na.jpg,1,2,3,4\n`, /landmarks\.csv:2: 2 point\(s\); at least 3 are needed/],
    [`${HEADER}\na.jpg,1,2,3,4,5,6\nb.jpg,1,2,x,4,5,6\n`, /landmarks\.csv:3: x1 must be a number of pixels, found 'x'/],
    [`${HEADER}\na.jpg,1,2,3,,5,6\n`, /landmarks\.csv:2: y1 must be a number of pixels, found ''/],
    [`${HEADER}\na.jpg,1,2,3,4,5,6\n\na.jpg,1,2,3,4,5,7\n`, /landmarks\.csv:4: duplicate img_name 'a\.jpg' \(first on line 2\)/],
    [`${HEADER}\n,1,2,3,4,5,6\n`, /landmarks\.csv:2: img_name is empty/],
    ['a.jpg,1,2,3,4,5,6\n', /landmarks\.csv:1: missing header: expected 'img_name,x0,y0,x1,y1,\.\.\.' as the first line/],
    ['x0,img_name,y0,x1,y1,x2,y2\n', /landmarks\.csv:1: wrong header: the first column must be 'img_name'/],
    ['img_name,x0,y0,x1,y1,x2\n', /landmarks\.csv:1: the header has an odd number of coordinate columns \(5\)/],
    ['img_name,x0,y0,x1,y1\n', /landmarks\.csv:1: the header names 2 point\(s\); at least 3/],
    ['img_name,x0,y0,x1,y1,y2,x2\n', /landmarks\.csv:1: header column 6 must be 'x2' .*found 'y2'/],
    [HEADER + '\n', /landmarks\.csv:1: no data rows after the header/],
    ['', /landmarks\.csv: empty file/],
    [`${HEADER}\n"a.jpg,1,2,3,4,5,6\n`, /landmarks\.csv:\d+: malformed CSV/],
  ])('names the file and line: %j', (text, message) => {
    const err = errorOf(text);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(message);
  });

  it('reads from disk; a missing file is a CsvFileError naming it', async () => {
    const dir = tempDir('dfl-landmarks-');
    const file = path.join(dir, 'lm.csv');
    writeFileSync(file, `${HEADER}\na.jpg,1,2,3,4,5,6\n`);
    expect((await readLandmarkCsv(file))[0].points).toEqual([[1, 2], [3, 4], [5, 6]]);
    await expect(readLandmarkCsv(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
  });
});
