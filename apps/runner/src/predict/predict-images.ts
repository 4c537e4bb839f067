import * as path from 'node:path';
import type { EngineChoice } from '@dfl/models';
import { predictionsCsvText } from '../run/predictions-csv';
import { openScoringSource } from './open-scoring-source';
import { Scorer } from './scorer';

/**
 * `dfl predict`: scores image files with the evaluation path and prints `img_name,y_pred` (the file name, as in a
 * submission). Unreadable images are reported on stderr and make the exit code 1; the others are still printed.
 */
export async function predictImages(source: string, images: readonly string[], options: { engine?: EngineChoice; batchSize?: number }): Promise<void> {
  const opened = await openScoringSource(source);
  const scorer = await Scorer.open(opened.setup, opened.modelDir, { engine: options.engine });
  try {
    const items = images.map((p) => ({ path: path.resolve(p), name: path.basename(p), label: null }));
    const scored = await scorer.scoreItems(items, { onBadImage: 'skip', batchSize: options.batchSize });
    process.stdout.write(predictionsCsvText(scored.names, scored.scores));
    for (const s of scored.skipped) process.stderr.write(`cannot score ${s.name}: ${s.reason}\n`);
    if (scored.skipped.length > 0) process.exitCode = 1;
  } finally {
    scorer.dispose();
  }
}
