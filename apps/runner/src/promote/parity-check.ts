import { promises as fs } from 'node:fs';
import type { DatasetItem } from '@dfl/data';
import type { EngineChoice } from '@dfl/models';
import { openPackage } from '../predict/model-package';
import { Scorer } from '../predict/scorer';
import { PredictionService } from '../serve/prediction-service';

export const PARITY_TOLERANCE = 1e-6;

export interface ParityResult {
  readonly checked: number;
  readonly maxAbsDiff: number;
  /** Images whose API score differs from the CSV's by more than the tolerance. */
  readonly mismatches: readonly { name: string; csv: number; api: number }[];
}

/** Up to `k` items spread evenly over the list (first and last included): deterministic, covers the whole folder. */
export function spreadSample<T>(items: readonly T[], k: number): T[] {
  const n = items.length;
  if (k >= n) return [...items];
  if (k <= 0) return [];
  if (k === 1) return [items[0]];
  return Array.from({ length: k }, (_, i) => items[Math.round((i * (n - 1)) / (k - 1))]);
}

/**
 * Scores a sample of the test images the way `dfl serve` does, from the package as written (its manifest checked,
 * the network rebuilt from its files), half as uploads (bytes) and half as paths, all at once so they share
 * micro-batches, each with its face box when it has one, and compares each with the score the CSV holds.
 */
export async function checkParity(packageDir: string, sample: readonly DatasetItem[], csvScores: ReadonlyMap<string, number>, engine: EngineChoice): Promise<ParityResult> {
  const pkg = await openPackage(packageDir);
  const scorer = await Scorer.open(pkg.scoring, pkg.modelDir, { engine });
  try {
    const service = new PredictionService(scorer);
    const api = await Promise.all(
      // each image's face box goes with its request, as a client sends it: the API crops it with the package's margin
      sample.map(async (item, i) => service.predict({ name: item.name, source: i % 2 === 0 ? await fs.readFile(item.path) : item.path, box: item.face?.box })),
    );
    let maxAbsDiff = 0;
    const mismatches: { name: string; csv: number; api: number }[] = [];
    sample.forEach((item, i) => {
      const csv = csvScores.get(item.name) as number;
      const diff = Math.abs(csv - api[i]);
      if (!(diff <= maxAbsDiff)) maxAbsDiff = diff;
      if (!(diff <= PARITY_TOLERANCE)) mismatches.push({ name: item.name, csv, api: api[i] });
    });
    return { checked: sample.length, maxAbsDiff, mismatches };
  } finally {
    scorer.dispose();
  }
}
