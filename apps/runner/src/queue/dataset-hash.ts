import type { ResolvedExperiment } from '@dfl/experiment';
import { openData } from '../run/run-experiment';

/**
 * The dataset manifest hash of a config's train and val splits, by the very function `runExperiment` records it
 * with, so a worker compares what it finds with what was queued. Also refuses data a run could not train on.
 */
export async function datasetHashOf(cfg: ResolvedExperiment, quiet = true): Promise<string> {
  return (await openData(cfg, quiet)).datasetHash;
}

/** The part of a config that decides which images a run reads: runs that share it share a manifest. */
export function dataKey(cfg: ResolvedExperiment): string {
  const d = cfg.data;
  return JSON.stringify([d.root, d.layout, d.train, d.val]);
}
