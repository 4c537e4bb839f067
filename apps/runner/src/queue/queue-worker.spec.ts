import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { RunRepository, startTestDatabase, type TestDatabase } from '@dfl/db';
import type PgBoss from 'pg-boss';
import { LocalArtefactStore } from './artefact-store';
import { bossDbIn, openQueue } from './open-queue';
import { RUN_QUEUE, type RunJobData } from './queue-config';
import { QueueWorker, type Attempt } from './queue-worker';
import { WorkerLiveness } from './worker-liveness';

// The worker's own rules on a real PostgreSQL, with attempts that do nothing (the e2e test trains for real).
let db: TestDatabase;
let repo: RunRepository;
let boss: PgBoss;

beforeAll(async () => {
  db = await startTestDatabase();
  repo = new RunRepository(db.dataSource);
  boss = await openQueue(db.url);
}, 60_000);
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await db?.stop();
}, 30_000);

async function enqueue(retryLimit: number): Promise<string> {
  const id = randomUUID();
  await repo.createQueuedRuns([{ id, name: 'q', resolvedConfig: {}, configHash: 'h' }], async (tx) => {
    const data: RunJobData = { runId: id, sweepId: null, sweepIndex: null, label: null, file: 'q.yaml', configJson: '{}', configHash: 'h', datasetHash: 'd' };
    await boss.insert([{ id, name: RUN_QUEUE, data, retryLimit }], { db: await bossDbIn(tx) });
  });
  return id;
}

/** Makes a job active as if `holder` had fetched it and started its run. */
async function holdAs(id: string, holder: string): Promise<void> {
  const [job] = await boss.fetch(RUN_QUEUE);
  expect(job.id).toBe(id);
  await db.dataSource.query(`UPDATE pgboss.job SET data = jsonb_set(data, '{holder}', to_jsonb($2::text)) WHERE id = $1`, [id, holder]);
  await repo.startQueuedRun(id, { worker: holder, pid: 999_999 });
}

const jobState = async (id: string) => ((await db.dataSource.query('SELECT state FROM pgboss.job WHERE id = $1', [id])) as Array<{ state: string }>)[0].state;

function worker(execute: (a: Attempt) => Promise<{ status: 'finished' }>, poll = 0.5): QueueWorker {
  return new QueueWorker({ databaseUrl: db.url, store: new LocalArtefactStore(tmpdir()), execute, pollingIntervalSeconds: poll, livenessIntervalSeconds: 3600, log: () => undefined });
}

/** Until no job of the queue waits or runs. */
async function drained(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [RUN_QUEUE])) as Array<{ n: number }>;
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error('the queue did not drain');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('QueueWorker', () => {
  it('hands back the job of a dead holder through the retry rule, and leaves a live holder alone', async () => {
    const live = new WorkerLiveness('alive-worker', db.url);
    await live.hold(() => undefined);
    const retried = await enqueue(1);
    await holdAs(retried, 'dead-worker');
    const failed = await enqueue(0);
    await holdAs(failed, 'dead-worker');
    const kept = await enqueue(1);
    await holdAs(kept, 'alive-worker');

    // its first poll comes before the sweep and finds nothing to take; the next one is an hour away
    const ran: Attempt[] = [];
    const w = worker(async (a) => {
      ran.push(a);
      return { status: 'finished' };
    }, 3600);
    await w.start();
    try {
      expect(await jobState(retried)).toBe('retry');
      expect(await jobState(failed)).toBe('failed');
      expect(await jobState(kept)).toBe('active');
      expect((await repo.getRun(retried))!).toMatchObject({ status: 'interrupted', error: 'worker dead-worker is gone (killed or crashed)' });
      expect((await repo.getRun(kept))!.status).toBe('running');
      // a second look finds nothing more to do
      expect(await w.sweepDeadHolders()).toEqual([]);
      expect(ran).toEqual([]);
    } finally {
      await w.stop();
      await live.release();
    }
  }, 60_000);

  it('runs a retry as a new attempt that records where it came from, and never re-runs a finished one', async () => {
    const attempts: Attempt[] = [];
    const w = worker(async (a) => {
      attempts.push(a);
      if (a.takeQueued) await repo.startQueuedRun(a.runId, { worker: a.workerId });
      else await repo.createRun({ id: a.runId, name: 'q', resolvedConfig: {}, configHash: 'h', reproducedFrom: a.job.runId, worker: a.workerId });
      await repo.finishRun(a.runId, { auc: 0.5, tprAt1e3: 0, tprNegatives: 0 });
      return { status: 'finished' };
    });
    // the jobs of the first test (one waiting for its retry, one whose holder has gone since), plus a fresh one
    const fresh = await enqueue(1);
    await w.start();
    try {
      await drained();
    } finally {
      await w.stop();
    }
    const retry = attempts.find((a) => !a.takeQueued)!;
    expect(attempts.filter((a) => a.takeQueued).map((a) => a.runId)).toEqual([fresh]);
    expect(attempts).toHaveLength(3);
    expect(retry.runId).not.toBe(retry.job.runId);
    // the retry is handed the attempt before it as it ended, to go on from its checkpoint; a first attempt has none
    for (const a of attempts.filter((x) => !x.takeQueued)) expect(a.previous).toMatchObject({ id: a.job.runId, status: 'interrupted', error: expect.stringMatching(/^worker .* is gone/) });
    expect(attempts.filter((a) => a.takeQueued).map((a) => a.previous)).toEqual([null]);
    expect((await repo.getRun(retry.runId))!).toMatchObject({ status: 'finished', reproducedFrom: retry.job.runId });
    expect((await repo.getRun(retry.job.runId))!.status).toBe('interrupted');

    // A job whose attempt finished but whose worker died before completing the job: handed back, then completed
    // without a re-run.
    const done = await enqueue(1);
    await holdAs(done, 'dead-worker-2');
    await repo.finishRun(done, { auc: 0.5, tprAt1e3: 0, tprNegatives: 0 });
    const before = attempts.length;
    const w2 = worker(async (a) => {
      attempts.push(a);
      return { status: 'finished' };
    });
    await w2.start();
    try {
      await drained();
    } finally {
      await w2.stop();
    }
    expect(await jobState(done)).toBe('completed');
    expect(attempts.length).toBe(before);
  }, 90_000);
});
