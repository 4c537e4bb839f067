import { UserError } from '@dfl/core';
import type { LabelRow, PredictionRow } from '@dfl/data';
import { joinByName } from './join-by-name';

const files = { labels: 'val_label.txt', predictions: 'prediction.csv' };
const label = (name: string, target: 0 | 1, line: number): LabelRow => ({ name, target, line });
const prediction = (name: string, score: number, line: number): PredictionRow => ({ name, score, line });

describe('joinByName', () => {
  it('pairs rows by name whatever their order, in label-file order', () => {
    const joined = joinByName(
      [label('a', 1, 2), label('b', 0, 3), label('c', 1, 4)],
      [prediction('c', 0.3, 2), prediction('a', 0.9, 3), prediction('b', 0.1, 4)],
      files,
    );
    expect(joined.names).toEqual(['a', 'b', 'c']);
    expect(Array.from(joined.labels)).toEqual([1, 0, 1]);
    expect(Array.from(joined.scores)).toEqual([0.9, 0.1, 0.3]);
  });

  it('says how many names are missing on each side and shows the first five with their lines', () => {
    const labels = Array.from({ length: 9 }, (_, i) => label(`img${i}`, (i % 2) as 0 | 1, i + 2));
    const predictions = [prediction('img0', 0.5, 2), prediction('extra', 0.5, 3)];
    let error: unknown;
    try {
      joinByName(labels, predictions, files);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      [
        'prediction.csv and val_label.txt do not name the same images:',
        '  8 of the 9 images in val_label.txt have no prediction in prediction.csv, e.g. "img1" (line 3), "img2" (line 4), ' +
          '"img3" (line 5), "img4" (line 6), "img5" (line 7), ... (3 more)',
        '  1 of the 2 images in prediction.csv have no label in val_label.txt, e.g. "extra" (line 3)',
      ].join('\n'),
    );
  });
});
