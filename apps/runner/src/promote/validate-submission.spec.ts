import { predictionsCsvText } from '../run/predictions-csv';
import { spreadSample } from './parity-check';
import { validateSubmission } from './validate-submission';

const NAMES = ['a.jpg', 'b.jpg', 'c.jpg'];

describe('validateSubmission', () => {
  it('accepts what promote writes, extreme scores included', () => {
    const text = predictionsCsvText(NAMES, [0, 2.5e-10, 1]);
    expect(text).toBe('img_name,y_pred\na.jpg,0\nb.jpg,2.5e-10\nc.jpg,1\n');
    expect(validateSubmission(text, NAMES, 'p.txt')).toEqual([]);
  });

  it('reports every problem at once: header, missing and extra names', () => {
    const problems = validateSubmission('name,score\na.jpg,0.5\n', NAMES, 'p.txt');
    expect(problems[0]).toContain("header must be exactly 'img_name,y_pred'");
    const rows = validateSubmission('img_name,y_pred\na.jpg,0.5\nd.jpg,0.1\n', NAMES, 'p.txt');
    expect(rows).toEqual(['p.txt: 2 test image(s) have no row: b.jpg, c.jpg', 'p.txt: 1 row(s) name no test image: d.jpg']);
  });

  it('refuses duplicates, non-numbers and scores outside [0, 1]', () => {
    expect(validateSubmission('img_name,y_pred\na.jpg,0.5\na.jpg,0.5\nb.jpg,0\nc.jpg,0\n', NAMES, 'p.txt').join()).toMatch(/a\.jpg/);
    expect(validateSubmission('img_name,y_pred\na.jpg,NaN\nb.jpg,0\nc.jpg,0\n', NAMES, 'p.txt').join()).toContain('y_pred must be a number');
    expect(validateSubmission('img_name,y_pred\na.jpg,1.5\nb.jpg,0\nc.jpg,0\n', NAMES, 'p.txt').join()).toContain('y_pred must be in [0, 1]');
    expect(validateSubmission('img_name,y_pred\na.jpg,Infinity\nb.jpg,0\nc.jpg,0\n', NAMES, 'p.txt')).not.toEqual([]);
  });

  it('refuses a byte-order mark or extra columns in the header', () => {
    expect(validateSubmission('\uFEFFimg_name,y_pred\na.jpg,0\nb.jpg,0\nc.jpg,0\n', NAMES, 'p.txt')[0]).toContain('<BOM>');
    expect(validateSubmission('img_name,y_pred,x\na.jpg,0,1\nb.jpg,0,1\nc.jpg,0,1\n', NAMES, 'p.txt')).toHaveLength(1);
  });
});

describe('spreadSample', () => {
  it('spreads the sample over the list, first and last included, and takes all of a short list', () => {
    expect(spreadSample([0, 1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual([0, 4, 8]);
    expect(spreadSample([1, 2], 5)).toEqual([1, 2]);
    expect(spreadSample([1, 2, 3], 1)).toEqual([1]);
  });
});
