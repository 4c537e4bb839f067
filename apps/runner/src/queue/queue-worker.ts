import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '@dfl/core';
import { connectDatabase, Run, RunRepository } from '@dfl/db';
import type PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import type { ArtefactStore } from './artefact-store';
import { bossDbIn, openQueue } from './open-queue';
import { QUEUE_SCHEMA, RUN_QUEUE, type RunJobData } from './queue-config';
import { WorkerLiveness, workerAlive } from './worker-liveness';

/** One attempt at a job's run, as the worker hands it to `execute`. */
export interface Attempt {
  readonly job: RunJobData;
  /** The run row this attempt records: the queued row itself, or a new row for a retry. */
  readonly runId: string;
  /** true: `runId` is the queued row to take over; false: a new row (reproduced_from = job.runId). */
  readonly takeQueued: boolean;
  /**
   * For a retry, the attempt before it as it ended (interrupted or failed): `execute` goes on from its last checkpoint
   * when it can (see planRetry). null for the first attempt.
   */
  readonly previous: Run | null;
  readonly workerId: string;
  readonly runsRoot: string;
  readonly databaseUrl: string;
}

export interface AttemptResult {
  readonly status: 'finished';
  readonly runDir?: string;
  readonly summary?: string;
}

/** Runs one attempt; throws if the run failed or was interrupted (the queue then applies its retry rules). */
export type ExecuteAttempt = (attempt: Attempt) => Promise<AttemptResult>;

export interface QueueWorkerOptions {
  readonly databaseUrl?: string;
  readonly concurrency?: number;
  readonly store: ArtefactStore;
  readonly execute: ExecuteAttempt;
  /** Seconds between polls of the queue when it is empty (pg-boss, >= 0.5; default 2). */
  readonly pollingIntervalSeconds?: number;
  /** Seconds between checks for jobs held by dead workers (default 10). */
  readonly livenessIntervalSeconds?: number;
  readonly workerId?: string;
  readonly log?: (line: string) => void;
}

type Job = PgBoss.JobWithMetadata<RunJobData>;

/**
 * `dfl worker`: pulls run jobs from the queue and runs them, `concurrency` at a time. pg-boss hands each job to one
 * worker (SELECT ... FOR UPDATE SKIP LOCKED) and applies the job's retry rules when an attempt throws or expires.
 * The worker adds what a training queue needs on top:
 * - it marks itself alive with an advisory lock, and writes its id into the job it holds; every worker checks the
 *   active jobs now and then and, for a holder that is gone (kill -9, crash), marks its run `interrupted` and fails
 *   the job through pg-boss, which retries it (up to the job's retry limit) or fails it for good;
 * - a retry records a new run row (`reproduced_from` = the queued run), so the interrupted attempt stays on record,
 *   and goes on from that attempt's last checkpoint when it can (`Attempt.previous`, planRetry);
 * - never twice at once: an attempt starts only if no earlier attempt of the job is running on a live worker (after
 *   an expiry it waits for that one and takes its outcome); a finished attempt completes the job without a re-run.
 */
export class QueueWorker {
  readonly workerId: string;
  private db: DataSource | null = null;
  private boss: PgBoss | null = null;
  private liveness: WorkerLiveness | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly active = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: QueueWorkerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  get url(): string {
    return (this.db?.options as { url: string }).url;
  }

  async start(): Promise<void> {
    this.db = await connectDatabase({ url: this.options.databaseUrl, poolSize: 4 });
    this.liveness = new WorkerLiveness(this.workerId, this.url);
    await this.liveness.hold((err) => {
      // Others now see us as dead and will hand our jobs out again: stop our runs rather than run them twice.
      this.log(`worker ${this.workerId}: lost the database connection that marks it alive (${err.message}); stopping`);
      process.kill(process.pid, 'SIGTERM');
    });
    this.boss = await openQueue(this.url, { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2, supervise: true });
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    // pg-boss 10 runs one job at a time per work() call: one call per slot.
    const boss = this.boss;
    for (let i = 0; i < concurrency; i++) {
      let slot = '';
      slot = await boss.work<RunJobData>(RUN_QUEUE, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
        const work = this.handle(job);
        this.active.add(work);
        try {
          return await work;
        } finally {
          this.active.delete(work);
          // pg-boss sleeps a polling interval after every job; a slot that just finished one asks again at once.
          if (slot && !this.stopping) boss.notifyWorker(slot);
        }
      });
    }
    const every = (this.options.livenessIntervalSeconds ?? 10) * 1000;
    const tick = () => {
      this.sweepTimer = setTimeout(() => {
        this.sweepDeadHolders()
          .catch((err) => this.log(`worker ${this.workerId}: liveness check failed: ${(err as Error).message}`))
          .finally(() => !this.stopping && tick());
      }, every);
    };
    await this.sweepDeadHolders();
    tick();
    this.log(`worker ${this.workerId}: ${concurrency} slot(s), artefacts in ${this.options.store.description}`);
  }

  /** Stops taking jobs, lets running attempts unwind (a signal interrupts them), and closes everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.boss?.offWork(RUN_QUEUE).catch(() => undefined);
    await Promise.allSettled([...this.active]);
    // graceful: pg-boss waits for its own complete/fail writes of the attempts that just ended
    await this.boss?.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => undefined);
    await this.liveness?.release();
    await this.db?.destroy().catch(() => undefined);
  }

  /** How many attempts are running now. */
  get busy(): number {
    return this.active.size;
  }

  private async handle(job: Job): Promise<AttemptResult | { status: 'done-earlier' | 'gone'; runId: string }> {
    const db = this.db as DataSource;
    const data = job.data;
    // Say who holds this activation of the job, so others can tell when we are gone.
    await db.query(`UPDATE ${QUEUE_SCHEMA}.job SET data = jsonb_set(data, '{holder}', to_jsonb($3::text)) WHERE name = $1 AND id = $2 AND state = 'active'`, [RUN_QUEUE, job.id, this.workerId]);
    const repo = new RunRepository(db);
    for (;;) {
      const latest = await latestAttempt(db, data.runId);
      if (!latest) {
        this.log(`worker ${this.workerId}: run ${data.runId} no longer exists; dropping its job`);
        return { status: 'gone', runId: data.runId };
      }
      if (latest.status === 'finished') return { status: 'done-earlier', runId: latest.id };
      if (latest.status === 'running' && latest.worker && latest.worker !== this.workerId) {
        if (await workerAlive(db, latest.worker)) {
          // The queue gave the job out again while its first holder still runs it (an expiry): never run it twice.
          await sleep(5000);
          if (this.stopping) throw new Error(`worker ${this.workerId} stopped while waiting for ${latest.worker}`);
          const now = await db.getRepository(Run).findOne({ where: { id: latest.id } });
          if (now?.status === 'running') continue;
          if (now?.status === 'finished') return { status: 'done-earlier', runId: now.id };
          throw new Error(`attempt ${latest.id} on ${latest.worker} ended ${now?.status ?? 'deleted'}`);
        }
        await repo.markInterrupted(latest.id, `worker ${latest.worker} is gone (killed or crashed)`);
      }
      break;
    }
    const latest = (await latestAttempt(db, data.runId)) as Run;
    const takeQueued = latest.status === 'queued';
    const runId = takeQueued ? latest.id : randomUUID();
    const attempt = job.retryCount + 1;
    const what = `run ${runId}${data.label ? ` [${data.label}]` : ''}${takeQueued ? '' : ` (attempt ${attempt}, retry of ${data.runId})`}`;
    this.log(`worker ${this.workerId}: starting ${what}`);
    const started = Date.now();
    try {
      const result = await this.options.execute({ job: data, runId, takeQueued, previous: takeQueued ? null : latest, workerId: this.workerId, runsRoot: this.options.store.workRoot, databaseUrl: this.url });
      this.log(`worker ${this.workerId}: finished ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s${result.summary ? `: ${result.summary}` : ''}`);
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log(`worker ${this.workerId}: ${what} did not finish: ${message}`);
      // An attempt that failed before its row was taken over (config or data refused) is recorded all the same.
      if (takeQueued) await repo.failRun(runId, message).catch(() => undefined);
      throw err instanceof UserError ? new Error(message) : err;
    }
  }

  /**
   * Hands back the jobs of dead workers: for each active job whose holder no longer holds its liveness lock, marks
   * its running attempt `interrupted` and fails the job through pg-boss (which retries it or fails it for good). The
   * holder is cleared in the same transaction, so the next holder's activation is never mistaken for the dead one.
   */
  async sweepDeadHolders(): Promise<string[]> {
    const db = this.db as DataSource;
    const boss = this.boss as PgBoss;
    const active = (await db.query(`SELECT id::text AS id, data->>'holder' AS holder, data->>'runId' AS "runId" FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'active' AND data ? 'holder'`, [RUN_QUEUE])) as Array<{ id: string; holder: string; runId: string }>;
    const handedBack: string[] = [];
    const alive = new Map<string, boolean>();
    for (const job of active) {
      if (job.holder === this.workerId) continue;
      if (!alive.has(job.holder)) alive.set(job.holder, await workerAlive(db, job.holder));
      if (alive.get(job.holder)) continue;
      const reason = `worker ${job.holder} is gone (killed or crashed)`;
      const latest = await latestAttempt(db, job.runId);
      if (latest?.status === 'running' && latest.worker === job.holder) await new RunRepository(db).markInterrupted(latest.id, reason);
      const failed = await db.transaction(async (tx) => {
        const [, count] = (await tx.query(
          `UPDATE ${QUEUE_SCHEMA}.job SET data = data - 'holder' WHERE name = $1 AND id = $2 AND state = 'active' AND data->>'holder' = $3`,
          [RUN_QUEUE, job.id, job.holder],
        )) as [unknown, number];
        if (count !== 1) return false;
        await boss.fail(RUN_QUEUE, job.id, { message: reason }, { db: await bossDbIn(tx) });
        return true;
      });
      if (failed) {
        handedBack.push(job.id);
        this.log(`worker ${this.workerId}: ${reason}; its job ${job.id} goes back to the queue's retry rules`);
      }
    }
    return handedBack;
  }
}

/** The newest attempt at a job's run: the queued row, or the latest retry recorded from it. */
async function latestAttempt(db: DataSource, runId: string): Promise<Run | null> {
  return db.getRepository(Run).findOne({ where: [{ id: runId }, { reproducedFrom: runId }], order: { createdAt: 'DESC' } });
}
