import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { connectDatabase, RunRepository, type NewRun } from '@dfl/db';
import { declaresSweep, expandSweep, resolveExperiment, type ExperimentResolution } from '@dfl/experiment';
import type PgBoss from 'pg-boss';
import { catalog } from '../plugins';
import { dataKey, datasetHashOf } from './dataset-hash';
import { bossDbIn, openQueue } from './open-queue';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S, RUN_QUEUE, type RunJobData } from './queue-config';

export interface SubmitRequest {
  readonly file: string;
  readonly sweep?: boolean;
  readonly overrides?: readonly string[];
  /** How many times the queue retries a run whose attempt failed or whose worker died (pg-boss retryLimit). */
  readonly retries?: number;
  /** Seconds a run may stay active before the queue fails it (pg-boss expireInSeconds). */
  readonly timeoutSeconds?: number;
  /** Seconds the queue waits before a retry (pg-boss retryDelay). */
  readonly retryDelaySeconds?: number;
  readonly databaseUrl?: string;
  readonly quiet?: boolean;
}

export interface SubmittedRun {
  readonly id: string;
  readonly name: string;
  readonly label: string | null;
}

export interface SubmitResult {
  readonly sweepId: string | null;
  readonly runs: readonly SubmittedRun[];
}

export interface Planned {
  readonly resolution: ExperimentResolution;
  readonly label: string | null;
  readonly index: number | null;
}

/**
 * Enqueues an experiment (one run) or its sweep (every run): resolves and validates everything, hashes the
 * dataset(s), then writes the `queued` run rows and their jobs in one transaction. Nothing is enqueued if any run is
 * invalid or any dataset cannot be read.
 */
export async function submitExperiment(request: SubmitRequest): Promise<SubmitResult> {
  const retries = request.retries ?? DEFAULT_RETRIES;
  const timeout = request.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  if (!Number.isInteger(retries) || retries < 0) throw new UserError(`--retries must be an integer >= 0 (got ${retries})`);
  if (!(timeout >= 1 && timeout <= MAX_TIMEOUT_S)) throw new UserError(`--timeout must be between 1 and ${MAX_TIMEOUT_S} seconds (the queue's limit; got ${timeout})`);

  const planned = plan(request);
  const hashes = new Map<string, string>();
  for (const { resolution } of planned) {
    const key = dataKey(resolution.config);
    if (hashes.has(key)) continue;
    try {
      hashes.set(key, await datasetHashOf(resolution.config, request.quiet ?? true));
    } catch (err) {
      if (err instanceof UserError) throw err; // already names the split or file
      throw new UserError(`${resolution.config.data.root}: cannot read the dataset to record its manifest: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const sweepId = request.sweep ? `${path.basename(request.file).replace(/\.ya?ml$/i, '')}-${randomUUID().slice(0, 8)}` : null;
  const rows: NewRun[] = [];
  const jobs: PgBoss.JobInsert<RunJobData>[] = [];
  for (const { resolution, label, index } of planned) {
    const cfg = resolution.config;
    const id = randomUUID();
    const datasetHash = hashes.get(dataKey(cfg)) as string;
    rows.push({
      id,
      name: cfg.name,
      tags: [...cfg.tags],
      resolvedConfig: JSON.parse(resolution.canonicalJson) as Record<string, unknown>,
      configHash: resolution.hash,
      datasetName: path.basename(cfg.data.root),
      datasetHash,
      seed: cfg.train.seed,
      backbone: cfg.model.backbone,
      epochsPlanned: cfg.train.epochs,
      sweepId,
      notes: cfg.notes || null,
    });
    const data: RunJobData = { runId: id, sweepId, sweepIndex: index, label, file: resolution.origin.file, configJson: resolution.canonicalJson, configHash: resolution.hash, datasetHash };
    // The job id is the run id: one look-up either way.
    jobs.push({ id, name: RUN_QUEUE, data, retryLimit: retries, retryDelay: request.retryDelaySeconds ?? 0, expireInSeconds: timeout });
  }

  const db = await connectDatabase({ url: request.databaseUrl });
  let boss: PgBoss | null = null;
  try {
    const url = (db.options as { url: string }).url;
    boss = await openQueue(url);
    const queue = boss;
    await new RunRepository(db).createQueuedRuns(rows, async (tx) => {
      await queue.insert(jobs, { db: await bossDbIn(tx) });
    });
  } finally {
    await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
    await db.destroy();
  }
  return { sweepId, runs: rows.map((r, i) => ({ id: r.id as string, name: r.name, label: planned[i].label })) };
}

/** Resolves and validates every run the request stands for (the file, or each run of its sweep); touches nothing. */
export function plan(request: Pick<SubmitRequest, 'file' | 'sweep' | 'overrides'>): Planned[] {
  const overrides = request.overrides ?? [];
  if (request.sweep) {
    const expansion = expandSweep(request.file, { catalog, overrides });
    return expansion.points.map((p) => ({ resolution: p.resolution, label: p.label, index: p.index }));
  }
  if (declaresSweep(request.file)) {
    throw new UserError(`${request.file} declares a sweep: pass --sweep to enqueue its runs (or remove the sweep: block to enqueue the base run)`);
  }
  return [{ resolution: resolveExperiment(request.file, { catalog, overrides }), label: null, index: null }];
}
