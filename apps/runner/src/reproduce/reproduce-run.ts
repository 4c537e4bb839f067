import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { diffManifests, readPredictionCsv, type DatasetManifest } from '@dfl/data';
import type { Run } from '@dfl/db';
import type { ExperimentResolution } from '@dfl/experiment';
import { selectEngine, type EngineChoice } from '@dfl/models';
import { collectProvenance } from '../run/provenance';
import { RunDir } from '../run/run-dir';
import { storedResolution } from '../run/stored-resolution';
import { openData, runExperiment, type RunOutcome } from '../run/run-experiment';
import { withRepository } from '../runs/open-repository';
import { findRun } from '../runs/show-run';
import { defaultTolerance, judge, type Verdict } from './verdict';

export interface ReproduceOptions {
  readonly allowDataChange?: boolean;
  /** Judge by this tolerance instead of the engine-based default. */
  readonly tolerance?: number;
  /** Replay on another engine (changes the config hash: `engine` is part of the config). */
  readonly engine?: EngineChoice;
  readonly runsRoot: string;
  readonly quiet?: boolean;
  readonly jsonl?: string | null;
  /** Where warnings go (git commit, engine, config hash); default stderr. */
  readonly warn?: (message: string) => void;
}

export interface ReproduceReport {
  readonly original: Run;
  readonly outcome: RunOutcome;
  readonly verdict: Verdict;
  readonly warnings: readonly string[];
}

/**
 * `dfl reproduce`: replays a run's stored resolved config on the same data and judges the result. The data must be
 * the data the run recorded (its manifest hash), unless `allowDataChange`; a different git commit, a dirty tree or
 * another engine only warn. The new run is recorded with `reproducedFrom` pointing at the original.
 */
export async function reproduceRun(idOrPrefix: string, options: ReproduceOptions): Promise<ReproduceReport> {
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    (options.warn ?? ((x: string) => process.stderr.write(`warning: ${x}\n`)))(m);
  };
  const original = await withRepository((repo) => findRun(repo, idOrPrefix));
  if (original.status !== 'finished') throw new UserError(`run ${original.id} is ${original.status}; only a finished run has metrics to reproduce`);

  const resolution = storedResolution(original, options.engine ? [`engine=${options.engine}`] : []);
  if (!options.engine && resolution.hash !== original.configHash) {
    warn(`the stored config now resolves to hash ${resolution.hash.slice(0, 12)}, the run recorded ${original.configHash.slice(0, 12)} (defaults changed since?)`);
  }
  await checkData(original, resolution, options, warn);

  const here = collectProvenance(path.dirname(resolution.origin.file));
  if (original.gitCommit && here.gitCommit && original.gitCommit !== here.gitCommit) warn(`code differs: the run was made at git ${original.gitCommit.slice(0, 10)}, this is ${here.gitCommit.slice(0, 10)}`);
  if (here.gitDirty) warn('the working tree has uncommitted changes');
  const engine = await selectEngine(resolution.config.engine);
  if (original.engine && engine.engine !== original.engine) warn(`engine differs: the run trained on ${original.engine}, this reproduction uses ${engine.engine}; expect small differences, not bit-equality`);

  const outcome = await runExperiment({ resolution, reproducedFrom: original.id, runsRoot: options.runsRoot, quiet: options.quiet, jsonl: options.jsonl ?? null });
  const final = outcome.final;
  const { tolerance, basis } = options.tolerance === undefined ? defaultTolerance(original.engine, outcome.engine.engine) : { tolerance: options.tolerance, basis: 'tolerance given' };
  const maxScoreDiff = await maxPredictionDiff(original.runDir, outcome.runDir);
  const verdict = judge({ auc: original.auc, tpr: original.tprAt1e3 }, { auc: final?.auc ?? null, tpr: final?.tprAtFpr.tpr ?? null }, tolerance, basis, maxScoreDiff);
  return { original, outcome, verdict, warnings };
}

async function checkData(original: Run, resolution: ExperimentResolution, options: ReproduceOptions, warn: (m: string) => void): Promise<void> {
  const { datasetHash, manifests } = await openData(resolution.config, options.quiet ?? true);
  if (original.datasetHash === null || datasetHash === original.datasetHash) return;
  const recorded = original.runDir ? await readManifests(new RunDir(original.runDir).manifest) : null;
  const changes = recorded
    ? (['train', 'val'] as const).flatMap((split) => (recorded[split] ? diffManifests(recorded[split], manifests[split]).map((c) => `${split}: ${c}`) : []))
    : [];
  const detail = changes.length > 0 ? `\n  ${changes.join('\n  ')}` : '';
  const message = `the data differs from what run ${original.id.slice(0, 8)} trained on (manifest ${datasetHash.slice(0, 12)}, recorded ${original.datasetHash.slice(0, 12)})${detail}`;
  if (!options.allowDataChange) throw new UserError(`${message}\nrefusing to reproduce on other data; pass --allow-data-change to run anyway`);
  warn(message);
}

async function readManifests(file: string): Promise<Record<'train' | 'val', DatasetManifest | undefined> | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<'train' | 'val', DatasetManifest | undefined>;
  } catch {
    return null;
  }
}

/** Largest |score difference| between two runs' validation predictions (by name); null when a file is missing. */
async function maxPredictionDiff(dirA: string | null, dirB: string): Promise<number | null> {
  if (!dirA) return null;
  try {
    const [a, b] = await Promise.all([readPredictionCsv(new RunDir(dirA).valPredictions), readPredictionCsv(new RunDir(dirB).valPredictions)]);
    const byName = new Map(b.map((r) => [r.name, r.score]));
    let max = 0;
    for (const r of a) {
      const other = byName.get(r.name);
      if (other === undefined) return Infinity;
      max = Math.max(max, Math.abs(other - r.score));
    }
    return a.length === b.length ? max : Infinity;
  } catch {
    return null;
  }
}
