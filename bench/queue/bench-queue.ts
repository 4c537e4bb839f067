/**
 * The run queue's dispatch overhead per run, on a throwaway embedded PostgreSQL: jobs that do nothing (bare
 * pg-boss, the reference) next to runs that do nothing through `dfl worker`'s path (queued row taken over and
 * finished, holder written, attempts looked up). Prints figures; it is not a test.
 *
 *   npm run bench:queue            # 20 jobs per batch
 *   npm run bench:queue -- 100     # another batch size
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunRepository, startTestDatabase, type NewRun, type TestDatabase } from '@dfl/db';
import type PgBoss from 'pg-boss';
// The worker lives in the runner app (no lib exposes it) and this bench drives it in-process with no-op attempts,
// which the CLI cannot do: a deliberate exception to the bench -> libs-only boundary.
/* eslint-disable @nx/enforce-module-boundaries */
import { LocalArtefactStore } from '../../apps/runner/src/queue/artefact-store';
import { bossDbIn, openQueue } from '../../apps/runner/src/queue/open-queue';
import { QueueWorker, type Attempt } from '../../apps/runner/src/queue/queue-worker';
import { RUN_QUEUE, type RunJobData } from '../../apps/runner/src/queue/queue-config';
/* eslint-enable @nx/enforce-module-boundaries */

const N = Number(process.argv[2] ?? 20);
const RAW_QUEUE = 'bench-raw';

const now = () => performance.now();
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitCompleted(db: TestDatabase, queue: string, ids: string[]): Promise<void> {
  for (;;) {
    const rows = (await db.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'completed'`, [queue, ids])) as Array<{ n: number }>;
    if (rows[0].n === ids.length) return;
    await sleep(5);
  }
}

/** Bare pg-boss (the reference): single-job latency (send -> handler) with an idle worker, and the drain time of a batch. */
async function rawPgBoss(db: TestDatabase, poll: number, concurrency: number): Promise<{ pickupMs: number; perJobMs: number }> {
  const boss = await openQueue(db.url, { pollingIntervalSeconds: poll });
  await boss.createQueue(RAW_QUEUE).catch(() => undefined);
  const sentAt = new Map<string, number>();
  const pickups: number[] = [];
  for (let i = 0; i < concurrency; i++) {
    let slot = '';
    slot = await boss.work<{ k: string }>(RAW_QUEUE, { batchSize: 1, pollingIntervalSeconds: poll }, async ([job]) => {
      const t = sentAt.get(job.data.k);
      if (t !== undefined) pickups.push(now() - t);
      // as the dfl worker does: ask again at once after a job instead of sleeping a polling interval
      if (slot) boss.notifyWorker(slot);
    });
  }
  await sleep(poll * 1000);
  for (let i = 0; i < 8; i++) {
    const k = randomUUID();
    sentAt.set(k, now());
    const id = (await boss.send(RAW_QUEUE, { k })) as string;
    await waitCompleted(db, RAW_QUEUE, [id]);
    await sleep(Math.random() * poll * 1000); // land anywhere in the polling cycle
  }
  const ids = Array.from({ length: N }, () => randomUUID());
  const t0 = now();
  await boss.insert(ids.map((id) => ({ id, name: RAW_QUEUE, data: { k: id } })));
  await waitCompleted(db, RAW_QUEUE, ids);
  const perJobMs = (now() - t0) / N;
  await boss.stop({ graceful: true, wait: true });
  return { pickupMs: median(pickups), perJobMs };
}

/** dfl's path: queued rows + jobs in one transaction, QueueWorker runs a no-op attempt that takes over and finishes the row. */
async function dflPath(db: TestDatabase, poll: number, concurrency: number, runsDir: string): Promise<{ pickupMs: number; perJobMs: number }> {
  const repo = new RunRepository(db.dataSource);
  const enqueuedAt = new Map<string, number>();
  const pickups: number[] = [];
  const execute = async (attempt: Attempt) => {
    const t = enqueuedAt.get(attempt.job.runId);
    if (t !== undefined) pickups.push(now() - t);
    await repo.startQueuedRun(attempt.runId, { worker: attempt.workerId });
    await repo.finishRun(attempt.runId, { auc: 0.5, tprAt1e3: 0, tprNegatives: 0 });
    return { status: 'finished' as const };
  };
  const worker = new QueueWorker({ databaseUrl: db.url, concurrency, store: new LocalArtefactStore(runsDir), execute, pollingIntervalSeconds: poll, livenessIntervalSeconds: 10, log: () => undefined });
  await worker.start();
  const boss = await openQueue(db.url);
  const enqueue = async (count: number): Promise<string[]> => {
    const rows: NewRun[] = Array.from({ length: count }, () => ({ id: randomUUID(), name: 'bench', resolvedConfig: {}, configHash: 'x' }));
    const t = now();
    for (const r of rows) enqueuedAt.set(r.id as string, t);
    await repo.createQueuedRuns(rows, async (tx) => {
      const jobs: PgBoss.JobInsert<RunJobData>[] = rows.map((r) => ({
        id: r.id,
        name: RUN_QUEUE,
        data: { runId: r.id as string, sweepId: null, sweepIndex: null, label: null, file: 'bench.yaml', configJson: '{}', configHash: 'x', datasetHash: 'x' },
      }));
      await boss.insert(jobs, { db: await bossDbIn(tx) });
    });
    return rows.map((r) => r.id as string);
  };
  await sleep(poll * 1000);
  for (let i = 0; i < 8; i++) {
    await waitCompleted(db, RUN_QUEUE, await enqueue(1));
    await sleep(Math.random() * poll * 1000);
  }
  const t0 = now();
  const ids = await enqueue(N);
  await waitCompleted(db, RUN_QUEUE, ids);
  const perJobMs = (now() - t0) / N;
  await boss.stop({ graceful: true, wait: true });
  await worker.stop();
  return { pickupMs: median(pickups.slice(0, 8)), perJobMs };
}

async function main(): Promise<void> {
  const db = await startTestDatabase();
  const runsDir = mkdtempSync(path.join(tmpdir(), 'dfl-bench-queue-'));
  try {
    process.stdout.write(`queue dispatch overhead per run (no-op jobs, ${N} per batch, embedded PostgreSQL, one process)\n`);
    process.stdout.write('                                  pickup (idle, median)   per job (batch drain)\n');
    for (const poll of [0.5, 2]) {
      for (const concurrency of [1, 2]) {
        const raw = await rawPgBoss(db, poll, concurrency);
        const dfl = await dflPath(db, poll, concurrency, runsDir);
        process.stdout.write(`poll ${poll} s, ${concurrency} slot(s)  pg-boss   ${fmt(raw.pickupMs)}            ${fmt(raw.perJobMs)}\n`);
        process.stdout.write(`                      dfl worker ${fmt(dfl.pickupMs)}            ${fmt(dfl.perJobMs)}   (+${(dfl.perJobMs - raw.perJobMs).toFixed(1)} ms, x${(dfl.perJobMs / raw.perJobMs).toFixed(2)} of bare pg-boss)\n`);
      }
    }
    process.stdout.write('pickup: an idle worker sees a new job at its next poll (on average half the interval); a busy slot asks again\n');
    process.stdout.write('as soon as its job ends. dfl adds per run: row takeover and finish, holder write, attempt look-up.\n');
  } finally {
    await db.stop();
    rmSync(runsDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
