import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Promotion } from '../entities/promotion.entity';
import { RunEpoch } from '../entities/run-epoch.entity';
import { Run } from '../entities/run.entity';
import type { RunStatus } from '../entities/run-status';
import { processAlive } from '../embedded/embedded-postgres';
import { listRunsSql, type SqlQuery } from './list-runs-sql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ListRunsQuery } from './ranking';
import {
  RunNotFoundError,
  RunStateError,
  type EpochRecord,
  type FinalMetrics,
  type NewRun,
  type PromoteOptions,
} from './run-records';

/** A row of a ranked list: `rank` is the run's place in the leaderboard order among the filtered runs (null without AUC). */
export interface RankedRun {
  rank: number | null;
  run: Run;
}

export interface RunPage {
  total: number;
  items: RankedRun[];
}

/** Columns a list needs; the heavy JSON (config, ROC points, robustness) is loaded only by getRun. */
const LIST_COLUMNS: Array<keyof Run> = [
  'id', 'name', 'tags', 'status', 'error', 'configHash', 'datasetName', 'datasetHash', 'engine', 'backend', 'host',
  'worker', 'seed', 'backbone', 'epochsPlanned', 'epochsDone', 'createdAt', 'startedAt', 'finishedAt', 'durationS',
  'auc', 'aucCiLow', 'aucCiHigh', 'tprAt1e3', 'tprCiLow', 'tprCiHigh', 'tprNegatives', 'eer', 'ap', 'accuracy',
  'logLoss', 'runDir', 'reproducedFrom', 'sweepId', 'notes', 'promoted', 'gitCommit', 'gitDirty',
];

/** Statuses a run can still leave; a finished/failed/interrupted run is never rewritten by the recorder. */
const ACTIVE: readonly RunStatus[] = ['queued', 'running'];

export interface RunRepositoryOptions {
  /**
   * Reuse the total of a list (same filters) for this long, in ms (default 0: never). Counting scans every matching
   * row and is most of a page's cost; a leaderboard polled by many browsers can afford totals up to a second old.
   * Writes through this instance clear it.
   */
  countCacheMs?: number;
}

/**
 * Everything the runner and the leaderboard read and write about runs. Multi-row changes are one transaction.
 */
export class RunRepository {
  private readonly countCache = new Map<string, { total: number; expires: number }>();
  private countGeneration = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: RunRepositoryOptions = {},
  ) {}

  /** Records a run that starts now (status `running`). */
  async createRun(input: NewRun): Promise<Run> {
    this.forgetCounts();
    const id = await insertRunning(this.dataSource.manager, input);
    return (await this.getRun(id, { epochs: false }))!;
  }

  /**
   * Records a run that starts now by going on from another run's checkpoint of epoch `throughEpoch` (a queue retry
   * resuming the attempt before it): the new `running` row and copies of that run's epochs up to `throughEpoch`, in
   * one transaction. The earlier run is not touched: an interrupted or failed attempt stays on record as it ended.
   */
  async createContinuedRun(input: NewRun, from: { runId: string; throughEpoch: number }): Promise<Run> {
    this.forgetCounts();
    const id = await this.dataSource.transaction(async (tx) => {
      const newId = await insertRunning(tx, input);
      const columns = tx.connection
        .getMetadata(RunEpoch)
        .columns.map((c) => `"${c.databaseName}"`)
        .filter((c) => c !== '"run_id"')
        .join(', ');
      await tx.query(`INSERT INTO run_epochs (run_id, ${columns}) SELECT $1, ${columns} FROM run_epochs WHERE run_id = $2 AND epoch <= $3`, [newId, from.runId, from.throughEpoch]);
      await tx.query(`UPDATE runs SET epochs_done = (SELECT count(*) FROM run_epochs WHERE run_id = $1) WHERE id = $1`, [newId]);
      return newId;
    });
    return (await this.getRun(id, { epochs: true }))!;
  }

  /**
   * Records runs that wait in a queue (status `queued`, not started, no process yet), all in one transaction;
   * `alsoInTransaction` runs inside it (the caller enqueues the jobs there, so rows and jobs land together or not at all).
   */
  async createQueuedRuns(inputs: readonly NewRun[], alsoInTransaction?: (tx: EntityManager, runs: Run[]) => Promise<void>): Promise<Run[]> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Run);
      const runs = inputs.map((input) =>
        repo.create({
          ...input,
          id: input.id ?? randomUUID(),
          tags: input.tags ?? [],
          status: 'queued',
          host: input.host ?? null,
          pid: input.pid ?? null,
          startedAt: null,
          epochsDone: 0,
          promoted: false,
        }),
      );
      if (runs.length > 0) await repo.insert(runs as QueryDeepPartialEntity<Run>[]);
      await alsoInTransaction?.(tx, runs);
      return runs;
    });
  }

  /**
   * Takes over a queued run: it becomes `running` now, with the provenance of the process that runs it (host and pid
   * default to this process). Atomic: of two workers taking the same run, one wins and the other gets a RunStateError.
   */
  async startQueuedRun(runId: string, provenance: Partial<Omit<NewRun, 'id'>> = {}): Promise<Run> {
    const changes = Object.fromEntries(Object.entries(provenance).filter(([, v]) => v !== undefined)) as Partial<Run>;
    const result = await this.dataSource
      .getRepository(Run)
      .update(
        { id: runId, status: 'queued' },
        { ...changes, status: 'running', host: provenance.host ?? hostname(), pid: provenance.pid ?? process.pid, startedAt: new Date() } as QueryDeepPartialEntity<Run>,
      );
    if (!result.affected) {
      const run = await this.getRun(runId, { epochs: false });
      if (!run) throw new RunNotFoundError(runId);
      throw new RunStateError(`run ${runId} is ${run.status}; only a queued run can be started`);
    }
    return (await this.getRun(runId, { epochs: false }))!;
  }

  /**
   * Takes an interrupted or failed run back to `running` to resume it from its checkpoint of epoch `fromEpoch`
   * (the last epoch it keeps): later epoch records are deleted (they are trained again), the error is cleared and
   * the provenance becomes this process's. Atomic: of two processes resuming the same run, one wins and the other
   * gets a RunStateError.
   */
  async resumeRun(runId: string, fromEpoch: number, provenance: Partial<Omit<NewRun, 'id'>> = {}): Promise<Run> {
    const changes = Object.fromEntries(Object.entries(provenance).filter(([, v]) => v !== undefined)) as Partial<Run>;
    await this.dataSource.transaction(async (tx) => {
      const result = await tx.getRepository(Run).update(
        { id: runId, status: In(['interrupted', 'failed']) },
        { ...changes, status: 'running', error: null, finishedAt: null, host: provenance.host ?? hostname(), pid: provenance.pid ?? process.pid } as QueryDeepPartialEntity<Run>,
      );
      if (!result.affected) {
        const run = await tx.getRepository(Run).findOne({ where: { id: runId } });
        if (!run) throw new RunNotFoundError(runId);
        throw new RunStateError(`run ${runId} is ${run.status}; only an interrupted or failed run can be resumed`);
      }
      await tx.query(`DELETE FROM run_epochs WHERE run_id = $1 AND epoch > $2`, [runId, fromEpoch]);
      await tx.query(`UPDATE runs SET epochs_done = (SELECT count(*) FROM run_epochs WHERE run_id = $1) WHERE id = $1`, [runId]);
    });
    this.countCache.clear();
    return (await this.getRun(runId, { epochs: true }))!;
  }

  /** Records (or replaces) one epoch's validation metrics and bumps the run's epoch count, atomically. */
  async recordEpoch(runId: string, record: EpochRecord): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.requireRun(tx, runId);
      await tx.getRepository(RunEpoch).upsert({ ...record, runId }, ['runId', 'epoch']);
      await tx.query(`UPDATE runs SET epochs_done = (SELECT count(*) FROM run_epochs WHERE run_id = $1) WHERE id = $1`, [runId]);
    });
  }

  /** Stores the final metrics and marks the run finished, in one transaction. */
  async finishRun(runId: string, m: FinalMetrics): Promise<Run> {
    this.forgetCounts();
    await this.dataSource.transaction(async (tx) => {
      const run = await this.requireRun(tx, runId, true);
      if (!ACTIVE.includes(run.status)) {
        throw new RunStateError(`run ${runId} is ${run.status}; only a queued or running run can finish`);
      }
      const finishedAt = new Date();
      const changes: Partial<Run> = {
        status: 'finished',
        error: null,
        finishedAt,
        durationS: m.durationS ?? elapsedSeconds(run.startedAt, finishedAt),
        auc: m.auc,
        aucCiLow: m.aucCi?.[0] ?? null,
        aucCiHigh: m.aucCi?.[1] ?? null,
        tprAt1e3: m.tprAt1e3,
        tprCiLow: m.tprCi?.[0] ?? null,
        tprCiHigh: m.tprCi?.[1] ?? null,
        tprNegatives: m.tprNegatives,
        eer: m.eer ?? null,
        ap: m.ap ?? null,
        accuracy: m.accuracy ?? null,
        logLoss: m.logLoss ?? null,
        rocPoints: m.rocPoints ?? null,
        robustness: m.robustness ?? null,
        artefacts: m.artefacts ?? run.artefacts,
        ...(m.epochsDone == null ? {} : { epochsDone: m.epochsDone }),
      };
      await tx.getRepository(Run).update(runId, changes as QueryDeepPartialEntity<Run>);
    });
    return (await this.getRun(runId))!;
  }

  /** Marks a queued/running run `failed` with the error. false if the run had already ended. */
  failRun(runId: string, error: string): Promise<boolean> {
    return this.end(runId, 'failed', error);
  }

  /** Marks a queued/running run `interrupted` (SIGINT/SIGTERM). false if the run had already ended. */
  markInterrupted(runId: string, reason = 'interrupted'): Promise<boolean> {
    return this.end(runId, 'interrupted', reason);
  }

  /**
   * Marks `interrupted` every running run of this host whose process is gone (kill -9, crash).
   * Returns the ids it marked. Runs of other hosts are left alone: their pids mean nothing here.
   */
  async reapDeadRuns(options: { host?: string; isAlive?: (pid: number) => boolean } = {}): Promise<string[]> {
    const host = options.host ?? hostname();
    const isAlive = options.isAlive ?? processAlive;
    const running = await this.dataSource
      .getRepository(Run)
      .find({ select: { id: true, pid: true }, where: { status: 'running', host } });
    const dead = running.filter((r) => r.pid === null || !isAlive(r.pid));
    const reaped: string[] = [];
    for (const run of dead) {
      if (await this.end(run.id, 'interrupted', `process ${run.pid ?? '?'} on ${host} is gone (killed or crashed)`, ['running'])) {
        reaped.push(run.id);
      }
    }
    return reaped;
  }

  /** The ranked, filtered, sorted page of runs (the leaderboard and `dfl runs`). */
  async listRuns(query: ListRunsQuery = {}): Promise<RunPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    const offset = Math.max(query.offset ?? 0, 0);
    const columns = this.listColumns();
    const sql = listRunsSql({ ...query, limit, offset }, columns);
    // Plain SQL rather than the query builder: this is the hot path of the leaderboard (see bench/board), and
    // building + hydrating through TypeORM cost several times the query itself. Count and page run side by side.
    const [total, rows] = await Promise.all([
      this.count(sql.count),
      this.dataSource.query(sql.page.text, sql.page.values) as Promise<Array<Record<string, unknown> & { rank?: number | null }>>,
    ]);
    const items = rows.map((row, i) => {
      const run = toEntity(row, columns);
      const rank = sql.positional ? (run.auc === null ? null : offset + i + 1) : (row.rank ?? null);
      return { run, rank };
    });
    return { total, items };
  }

  /**
   * Drops the cached list totals (a writer in another process changed runs). A count that was running meanwhile is
   * not cached either, since it may have read the runs from before the change.
   */
  forgetCounts(): void {
    this.countCache.clear();
    this.countGeneration++;
  }

  /**
   * A number that grows with every change to `runs` by any process, visible at once (not at commit): a list cached
   * when it had one value is stale once it has another. 0 before the first change.
   */
  async changeVersion(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT last_value, is_called FROM run_changes_seq')) as Array<{ last_value: string; is_called: boolean }>;
    return row.is_called ? Number(row.last_value) : 0;
  }

  private async count(query: SqlQuery): Promise<number> {
    const ttl = this.options.countCacheMs ?? 0;
    const key = ttl > 0 ? JSON.stringify([query.text, query.values]) : '';
    const hit = ttl > 0 ? this.countCache.get(key) : undefined;
    if (hit && hit.expires > Date.now()) return hit.total;
    const generation = this.countGeneration;
    const [{ total }] = (await this.dataSource.query(query.text, query.values)) as Array<{ total: number }>;
    if (ttl > 0 && generation === this.countGeneration) {
      if (this.countCache.size >= 1000) this.countCache.clear(); // bounded: filters come from users
      this.countCache.set(key, { total, expires: Date.now() + ttl });
    }
    return total;
  }

  /** One run with everything (config, ROC points, artefacts) and its epochs in order; null if there is none. */
  async getRun(id: string, options: { epochs?: boolean } = {}): Promise<Run | null> {
    const run = await this.dataSource.getRepository(Run).findOne({ where: { id } });
    if (run && (options.epochs ?? true)) {
      run.epochs = await this.dataSource.getRepository(RunEpoch).find({ where: { runId: id }, order: { epoch: 'ASC' } });
    }
    return run;
  }

  /** Several runs in the order of `ids` (missing ids are skipped). */
  async getRuns(ids: string[]): Promise<Run[]> {
    if (ids.length === 0) return [];
    const runs = await this.dataSource.getRepository(Run).find({ where: { id: In(ids) } });
    const byId = new Map(runs.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r): r is Run => r !== undefined);
  }

  /** Changes the user-editable fields; returns the updated run. */
  async updateRun(id: string, patch: { tags?: string[]; notes?: string | null; name?: string }): Promise<Run> {
    this.forgetCounts();
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(changes).length > 0) {
      const result = await this.dataSource.getRepository(Run).update(id, changes);
      if (result.affected === 0) throw new RunNotFoundError(id);
    }
    const run = await this.getRun(id);
    if (!run) throw new RunNotFoundError(id);
    return run;
  }

  /** Deletes a run with its epochs and promotion history. false if there was none. */
  async deleteRun(id: string): Promise<boolean> {
    this.forgetCounts();
    const result = await this.dataSource.getRepository(Run).delete(id);
    return (result.affected ?? 0) > 0;
  }

  /**
   * Promotes a finished run for its dataset and track, demoting the run promoted there before (history kept in
   * `promotions`); with `promoted: false`, demotes the run. One transaction; concurrent promotions of the same
   * dataset and track are serialised by an advisory lock (and the partial unique index backs it up).
   */
  async setPromoted(runId: string, options: PromoteOptions = {}): Promise<Run> {
    this.forgetCounts();
    const track = options.track ?? 'default';
    await this.dataSource.transaction(async (tx) => {
      const run = await this.requireRun(tx, runId, true);
      const datasetName = run.datasetName ?? run.datasetHash ?? 'unknown';
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`promote:${datasetName}:${track}`]);
      const promotions = tx.getRepository(Promotion);
      const touched = new Set<string>([runId]);
      if (options.promoted === false) {
        await promotions.update({ runId, track, demotedAt: IsNull() }, { demotedAt: new Date() });
      } else {
        if (run.status !== 'finished' || run.auc === null) {
          throw new RunStateError(`run ${runId} is ${run.status}; only a finished run with metrics can be promoted`);
        }
        const current = await promotions.findOne({ where: { datasetName, track, demotedAt: IsNull() } });
        if (current?.runId !== runId) {
          if (current) {
            await promotions.update(current.id, { demotedAt: new Date() });
            touched.add(current.runId);
          }
          await promotions.insert({
            runId,
            datasetName,
            track,
            packagePath: options.packagePath ?? null,
            metrics: { auc: run.auc, tprAt1e3: run.tprAt1e3, tprNegatives: run.tprNegatives, eer: run.eer, ap: run.ap },
          });
        }
      }
      await tx.query(
        `UPDATE runs SET promoted = EXISTS (SELECT 1 FROM promotions p WHERE p.run_id = runs.id AND p.demoted_at IS NULL)
         WHERE id = ANY($1::uuid[])`,
        [[...touched]],
      );
    });
    return (await this.getRun(runId))!;
  }

  /** Promotion history of a dataset (newest first), or of every dataset. */
  promotionHistory(datasetName?: string): Promise<Promotion[]> {
    return this.dataSource
      .getRepository(Promotion)
      .find({ where: datasetName === undefined ? {} : { datasetName }, order: { promotedAt: 'DESC', id: 'DESC' } });
  }

  private listColumnsCache?: ColumnMetadata[];

  /** The list columns with their SQL names and value transformers, from the entity metadata (computed once). */
  private listColumns(): ColumnMetadata[] {
    this.listColumnsCache ??= LIST_COLUMNS.map((p) => this.dataSource.getMetadata(Run).findColumnWithPropertyName(String(p))!);
    return this.listColumnsCache;
  }

  private async end(runId: string, status: 'failed' | 'interrupted', error: string, from: RunStatus[] = [...ACTIVE]): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE runs SET status = $2, error = $3, finished_at = now(),
         duration_s = EXTRACT(EPOCH FROM now() - COALESCE(started_at, created_at))
       WHERE id = $1 AND status = ANY($4::run_status[]) RETURNING id`,
      [runId, status, error, from],
    )) as [Array<{ id: string }>, number];
    return rows[0].length > 0;
  }

  private async requireRun(tx: EntityManager, runId: string, lock = false): Promise<Run> {
    const run = await tx
      .getRepository(Run)
      .findOne({ where: { id: runId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }
}

/** Inserts a `running` row for a run that starts now (host and pid default to this process); returns its id. */
async function insertRunning(tx: EntityManager, input: NewRun): Promise<string> {
  const repo = tx.getRepository(Run);
  const run = repo.create({
    ...input,
    id: input.id ?? randomUUID(),
    tags: input.tags ?? [],
    status: 'running',
    host: input.host === undefined ? hostname() : input.host,
    pid: input.pid === undefined ? process.pid : input.pid,
    startedAt: new Date(),
    epochsDone: 0,
    promoted: false,
  });
  await repo.insert(run as QueryDeepPartialEntity<Run>);
  return run.id;
}

/** A raw list row (aliased to property names) as a Run; pg has already parsed dates, numbers and arrays. */
function toEntity(row: Record<string, unknown>, columns: readonly ColumnMetadata[]): Run {
  const run = new Run();
  const target = run as unknown as Record<string, unknown>;
  for (const c of columns) {
    const value = row[c.propertyName];
    target[c.propertyName] = c.transformer && !Array.isArray(c.transformer) ? c.transformer.from(value) : value;
  }
  return run;
}

function elapsedSeconds(from: Date | null, to: Date): number | null {
  return from === null ? null : (to.getTime() - from.getTime()) / 1000;
}
