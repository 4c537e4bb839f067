import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import type { ResolvedExperiment } from '@dfl/experiment';
import { RunDir } from '../run/run-dir';
import { findRun } from '../runs/show-run';
import { withRepository } from '../runs/open-repository';
import { isPackage, openPackage } from './model-package';
import { scoringSetupFromConfig, type ScoringSetup } from './scoring-setup';

/** What `dfl predict` / `dfl serve` score with: a promoted package, or a run's best checkpoint. */
export interface ScoringSource {
  readonly kind: 'package' | 'run';
  readonly runId: string;
  /** The package folder or the run folder. */
  readonly dir: string;
  readonly setup: ScoringSetup;
  readonly modelDir: string;
}

const isDir = (p: string) => fs.stat(p).then((s) => s.isDirectory(), () => false);

/**
 * PACKAGE_OR_RUN: a package folder (checked against its manifest), a run folder (`runs/<id>/`), or a run id / unique
 * prefix looked up in the database. The first two need no database: a machine with only the package can score.
 */
export async function openScoringSource(arg: string): Promise<ScoringSource> {
  if (await isDir(arg)) {
    const dir = path.resolve(arg);
    if (await isPackage(dir)) {
      const pkg = await openPackage(dir);
      return { kind: 'package', runId: pkg.manifest.runId, dir, setup: pkg.scoring, modelDir: pkg.modelDir };
    }
    if (await isDir(new RunDir(dir).bestCheckpoint)) return openRunDir(dir, path.basename(dir));
    throw new UserError(`${arg} is neither a model package (no manifest.json) nor a run folder (no checkpoints/best)`);
  }
  const run = await withRepository((repo) => findRun(repo, arg));
  if (!run.runDir) throw new UserError(`run ${run.id} has no run folder recorded`);
  return openRunDir(run.runDir, run.id);
}

async function openRunDir(dir: string, runId: string): Promise<ScoringSource> {
  const runDir = new RunDir(dir);
  const modelDir = path.join(runDir.bestCheckpoint, 'model');
  if (!(await isDir(modelDir))) throw new UserError(`run ${runId} has no best checkpoint (${modelDir}); did it finish an epoch?`);
  const cfg = JSON.parse(await fs.readFile(runDir.resolvedConfig, 'utf8')) as ResolvedExperiment;
  return { kind: 'run', runId, dir, setup: scoringSetupFromConfig(cfg), modelDir };
}
