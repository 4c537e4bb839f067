import * as path from 'node:path';
import { writeFileAtomic } from '@dfl/core';

/**
 * The artefacts of one run, all under `runs/<run-id>/`; every file is written atomically (temp + rename), and a
 * checkpoint folder appears only once complete.
 */
export class RunDir {
  constructor(readonly root: string) {}

  static under(runsRoot: string, runId: string): RunDir {
    return new RunDir(path.join(runsRoot, runId));
  }

  get resolvedConfig(): string {
    return path.join(this.root, 'config.resolved.json');
  }
  get manifest(): string {
    return path.join(this.root, 'dataset-manifest.json');
  }
  get epochsJsonl(): string {
    return path.join(this.root, 'epochs.jsonl');
  }
  get log(): string {
    return path.join(this.root, 'events.jsonl');
  }
  get bestCheckpoint(): string {
    return path.join(this.root, 'checkpoints', 'best');
  }
  get lastCheckpoint(): string {
    return path.join(this.root, 'checkpoints', 'last');
  }
  get valPredictions(): string {
    return path.join(this.root, 'val_predictions.csv');
  }
  get rocPoints(): string {
    return path.join(this.root, 'roc.json');
  }
  get metrics(): string {
    return path.join(this.root, 'metrics.json');
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
  }

  /** Paths relative to the run folder, as stored in the database record. */
  artefacts(): Record<string, string> {
    const rel = (p: string) => path.relative(this.root, p);
    return {
      config: rel(this.resolvedConfig),
      manifest: rel(this.manifest),
      epochs: rel(this.epochsJsonl),
      events: rel(this.log),
      bestCheckpoint: rel(this.bestCheckpoint),
      lastCheckpoint: rel(this.lastCheckpoint),
      valPredictions: rel(this.valPredictions),
      roc: rel(this.rocPoints),
      metrics: rel(this.metrics),
    };
  }
}
