import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import type { Run } from '@dfl/db';
import type { ExperimentResolution, MetricName } from '@dfl/experiment';
import { optimizerStateByVariable, readSafetensorsFile, toFloat32, type BackboneModel } from '@dfl/models';
import type { ParameterOptimizer } from '@dfl/training';
import * as tf from '@tensorflow/tfjs';
import { withRepository } from '../runs/open-repository';
import { findRun } from '../runs/show-run';
import { loadCheckpointInto } from './checkpoints';
import { RunDir } from './run-dir';
import { storedResolution } from './stored-resolution';

/** One line of a run's epochs.jsonl: what the best-checkpoint and early-stopping trackers are rebuilt from. */
export interface EpochLine {
  readonly epoch: number;
  readonly valAuc: number;
  readonly valTpr: number;
  readonly valEer: number;
  readonly valAp: number;
  readonly valLoss: number;
  readonly valAccuracy?: number;
}

/** Where an interrupted or failed run goes on from: its stored config, its folder and its last checkpoint. */
export interface ResumePoint {
  readonly run: Run;
  readonly resolution: ExperimentResolution;
  readonly dir: RunDir;
  /** The epoch of the last checkpoint: training goes on with the epoch after it. */
  readonly lastEpoch: number;
  /** The epochs up to and including `lastEpoch`, in order. */
  readonly epochs: readonly EpochLine[];
}

/** Why a run cannot be gone on from: `reason` alone, for a caller (the queue) that says what it does instead. */
export class NotResumable extends UserError {
  constructor(
    readonly runId: string,
    readonly reason: string,
    advice = '',
  ) {
    super(`run ${runId} cannot be resumed: ${reason}${advice}`);
  }
}

/**
 * Finds the run and checks it can be resumed: interrupted or failed, its folder on this machine, a last checkpoint
 * written. Errors say why not and what to do instead.
 */
export async function findResumePoint(idOrPrefix: string): Promise<ResumePoint> {
  const run = await withRepository((repo) => findRun(repo, idOrPrefix));
  return resumePointOf(run);
}

/**
 * Checks that a stopped run can be gone on from, and reads where: interrupted or failed, its folder reachable from
 * here, a complete last checkpoint (weights, optimizer state and the best checkpoint so far) of `configHash` (default:
 * the run's own) and its epoch lines. `resolution` is the config to go on with (default: the run's stored config,
 * resolved again). Throws NotResumable, which says why not.
 */
export async function resumePointOf(run: Run, options: { resolution?: ExperimentResolution; configHash?: string } = {}): Promise<ResumePoint> {
  if (run.status !== 'interrupted' && run.status !== 'failed') {
    const why = run.status === 'finished' ? 'it has finished (reproduce it with dfl reproduce)' : `it is ${run.status}`;
    throw new NotResumable(run.id, why, '; only an interrupted or failed run can be');
  }
  if (!run.runDir || !existsSync(run.runDir)) throw new NotResumable(run.id, `its folder ${run.runDir ?? '(none recorded)'} is not on this machine`);
  const dir = new RunDir(run.runDir);
  const metaFile = path.join(dir.lastCheckpoint, 'meta.json');
  if (!existsSync(dir.lastCheckpoint)) {
    throw new NotResumable(run.id, `it stopped before its first epoch ended, so it has no checkpoint (${dir.lastCheckpoint})`, '; start it again with dfl run');
  }
  const needed = [metaFile, path.join(dir.lastCheckpoint, 'optimizer.safetensors'), path.join(dir.lastCheckpoint, 'model'), path.join(dir.bestCheckpoint, 'model')];
  const missing = needed.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new NotResumable(run.id, `its checkpoints lack ${missing.join(', ')}`);
  const meta = JSON.parse(await fs.readFile(metaFile, 'utf8')) as { epoch: number; configHash: string };
  const configHash = options.configHash ?? run.configHash;
  if (meta.configHash !== configHash) {
    throw new NotResumable(run.id, `${metaFile} belongs to config ${meta.configHash.slice(0, 12)}, the run recorded ${configHash.slice(0, 12)}`);
  }
  const lines = (await fs.readFile(dir.epochsJsonl, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EpochLine);
  const epochs = lines.filter((l) => l.epoch <= meta.epoch);
  if (epochs.length !== meta.epoch + 1 || epochs.some((l, i) => l.epoch !== i)) {
    throw new NotResumable(run.id, `${dir.epochsJsonl} does not hold epochs 1..${meta.epoch + 1} of its last checkpoint`);
  }
  return { run, resolution: options.resolution ?? storedResolution(run), dir, lastEpoch: meta.epoch, epochs };
}

/** Puts the last checkpoint's weights into the model and its moments and step count into the optimizer. */
export async function restoreTrainingState(point: ResumePoint, model: BackboneModel, optimizer: ParameterOptimizer): Promise<void> {
  await loadCheckpointInto(point.dir.lastCheckpoint, model);
  const file = await readSafetensorsFile(path.join(point.dir.lastCheckpoint, 'optimizer.safetensors'));
  if (file.metadata.optimizer && file.metadata.optimizer !== optimizer.name) {
    throw new UserError(`${point.dir.lastCheckpoint}: optimizer state is ${file.metadata.optimizer}'s, the config trains with ${optimizer.name}`);
  }
  const byKey: Record<string, tf.Tensor> = {};
  for (const [name, entry] of file.tensors) byKey[name] = tf.tensor(toFloat32(entry, name), [...entry.shape]);
  try {
    optimizer.setState(optimizerStateByVariable(model, byKey));
  } finally {
    tf.dispose(Object.values(byKey));
  }
  const counted = optimizer as { stepCount?: number };
  if (counted.stepCount !== undefined) counted.stepCount = Number(file.metadata.step ?? 0);
}

/** An epoch line's value of the metric a tracker follows. */
export function epochMetric(line: EpochLine, metric: MetricName): number {
  const value = { auc: line.valAuc, tpr_at_fpr: line.valTpr, eer: line.valEer, ap: line.valAp, loss: line.valLoss, accuracy: line.valAccuracy }[metric];
  if (value === undefined) throw new UserError(`epoch ${line.epoch + 1} of the run has no recorded ${metric}`);
  return value;
}
