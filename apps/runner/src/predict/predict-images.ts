import * as path from 'node:path';
import type { DatasetItem } from '@dfl/data';
import type { EngineChoice } from '@dfl/models';
import { predictionsCsvText } from '../run/predictions-csv';
import { openScoringSource } from './open-scoring-source';
import { Scorer } from './scorer';
import { attachTestFaceBoxes, describeFaceBoxUse, noCropWarning, wholeFrameWarning } from './test-face-boxes';

/**
 * `dfl predict`: scores image files with the evaluation path and prints `img_name,y_pred` (the file name, as in a
 * submission). With `faceBoxes` (a face-box CSV naming the files by that name) each image with a box is scored as its
 * face crop, with the run's margin. Unreadable images are reported on stderr and make the exit code 1; the others
 * are still printed.
 */
export async function predictImages(source: string, images: readonly string[], options: { engine?: EngineChoice; batchSize?: number; faceBoxes?: string }): Promise<void> {
  const opened = await openScoringSource(source);
  let items: DatasetItem[] = images.map((p) => ({ path: path.resolve(p), name: path.basename(p), label: null }));
  if (options.faceBoxes) {
    const attached = await attachTestFaceBoxes(items, options.faceBoxes, opened.setup.face.margin);
    items = attached.items;
    process.stderr.write(describeFaceBoxUse(attached.use, items.length) + '\n');
    const warning = noCropWarning(attached.use, items.length);
    if (warning) process.stderr.write(warning + '\n');
  } else {
    const warning = wholeFrameWarning(opened.setup, opened.runId);
    if (warning) process.stderr.write(warning + '\n');
  }
  const scorer = await Scorer.open(opened.setup, opened.modelDir, { engine: options.engine });
  try {
    const scored = await scorer.scoreItems(items, { onBadImage: 'skip', batchSize: options.batchSize });
    process.stdout.write(predictionsCsvText(scored.names, scored.scores));
    for (const s of scored.skipped) process.stderr.write(`cannot score ${s.name}: ${s.reason}\n`);
    if (scored.skipped.length > 0) process.exitCode = 1;
  } finally {
    scorer.dispose();
  }
}
