import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDemoDataset } from '@dfl/data';
import { Run, RunRepository, startTestDatabase, type TestDatabase } from '@dfl/db';
import { DFL } from './support/run-cli';
import { writeResumableExperiment } from './support/resumable-experiment';

// `dfl submit` and `dfl worker` as users run them: real CLI child processes on one embedded PostgreSQL, tiny demo
// data (32 images of 32 px), tiny_cnn, 1 epoch, no bootstrap, so a run takes seconds on 2 shared cores.
const SMALL = ['--set', 'train.epochs=1', '--set', 'eval.bootstrap.n=0', '--set', 'data.image_size=32', '--set', 'train.batch_size=16'];
jest.setTimeout(240_000);

let db: TestDatabase;
let work: string;
const children = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves with the first stdout line (a worker prints its id once it is pulling jobs). */
  firstLine: Promise<string>;
  output: () => string;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [DFL, ...args], { cwd: work, env: { ...process.env, DATABASE_URL: db.url, DFL_RUNS_DIR: path.join(work, 'runs') }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let gotLine: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => (gotLine = resolve));
  child.stdout?.on('data', (d) => {
    stdout += d;
    if (stdout.includes('\n')) gotLine(stdout.split('\n')[0]);
  });
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      gotLine('');
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done, firstLine, output: () => `${stdout}\n${stderr}` };
}

const worker = () => start(['worker', '--poll', '0.5', '--liveness', '1']);

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 150_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const runs = () => db.dataSource.getRepository(Run).find({ order: { createdAt: 'ASC' } });
const jobStates = async (ids: string[]): Promise<Record<string, string>> => {
  const rows = (await db.dataSource.query(`SELECT id::text AS id, state FROM pgboss.job WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string; state: string }>;
  return Object.fromEntries(rows.map((r) => [r.id, r.state]));
};

function sweepFile(name: string, sweep: string): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
data: { root: demo }
model: { backbone: tiny_cnn }
train: { optimizer: { name: adam, lr: 0.003 }, seed: 3 }
${sweep}`,
  );
  return file;
}

beforeAll(async () => {
  db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-queue-e2e-'));
  await generateDemoDataset({ dir: path.join(work, 'demo'), n: 32, size: 32, seed: 5, quiet: true });
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dfl submit + dfl worker', () => {
  it('enqueues nothing when one run of a sweep is invalid, and says which value on which line', async () => {
    const file = sweepFile('bad', ['sweep:', '  parameters:', '    train.optimizer.lr: [0.003, -1]', '    model.backbone: [tiny_cnn]'].join('\n'));
    const res = await start(['submit', file, '--sweep', ...SMALL]).done;
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad\.yaml:7:\d+ train\.optimizer\.lr: must be > 0 \(got -1\) \(sweep run 2 of 2\)/);
    expect(await runs()).toHaveLength(0);
  });

  it('two workers drain a 6-run sweep, each run done once, one worker killed mid-run and its job finished by the other', async () => {
    const file = sweepFile('grid', ['sweep:', '  parameters:', '    train.optimizer.lr: [0.003, 0.001, 0.0003]', '    augment:', '      - []', '      - [{name: hflip, p: 0.5}]'].join('\n'));
    const submitted = await start(['submit', file, '--sweep', '--retries', '1', '--json', ...SMALL]).done;
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const { sweepId, runs: queued } = JSON.parse(submitted.stdout) as { sweepId: string; runs: Array<{ id: string; name: string }> };
    expect(queued).toHaveLength(6);
    const rows = await runs();
    expect(rows.map((r) => [r.status, r.sweepId])).toEqual(Array(6).fill(['queued', sweepId]));
    expect(new Set(rows.map((r) => r.configHash)).size).toBe(6);

    const w1 = worker();
    const w2 = worker();
    const [id1, id2] = await Promise.all([w1.firstLine, w2.firstLine]);
    expect(id1).not.toBe('');
    expect(id2).not.toBe('');

    // Kill the first worker while it holds a running run.
    const victim = await waitFor('a run held by worker 1', async () => (await runs()).find((r) => r.status === 'running' && r.worker === id1));
    w1.child.kill('SIGKILL');
    await w1.done;

    // Every sweep point finished exactly once; the killed attempt stays `interrupted`, its retry ran on worker 2.
    const all = await waitFor('every sweep point finished', async () => {
      const now = await runs();
      const finished = now.filter((r) => r.status === 'finished');
      return finished.length >= 6 ? now : null;
    });
    const pointOf = (r: Run) => r.reproducedFrom ?? r.id;
    const finishedPerPoint = new Map<string, number>();
    for (const r of all.filter((x) => x.status === 'finished')) finishedPerPoint.set(pointOf(r), (finishedPerPoint.get(pointOf(r)) ?? 0) + 1);
    expect([...finishedPerPoint.keys()].sort()).toEqual(queued.map((q) => q.id).sort());
    expect([...finishedPerPoint.values()]).toEqual(Array(6).fill(1));
    expect(all.every((r) => r.sweepId === sweepId)).toBe(true);

    const killed = all.find((r) => r.id === victim.id) as Run;
    expect(killed.status).toBe('interrupted');
    expect(killed.worker).toBe(id1);
    const retry = all.find((r) => r.reproducedFrom === victim.id) as Run;
    expect(retry).toMatchObject({ status: 'finished', worker: id2, configHash: victim.configHash });
    // never twice at once: the retry started after the killed attempt was ended
    expect(retry.startedAt!.getTime()).toBeGreaterThanOrEqual(killed.finishedAt!.getTime());
    expect(all).toHaveLength(7);
    // pg-boss completes a job just after its handler returns, so the last run can be finished a moment before its
    // job is: wait for the queue's own bookkeeping rather than read it at the same instant.
    const states = await waitFor('every job completed', async () => {
      const now = await jobStates(queued.map((q) => q.id));
      return Object.values(now).every((s) => s !== 'active' && s !== 'created' && s !== 'retry') ? now : null;
    }, 30_000);
    expect(Object.values(states)).toEqual(Array(6).fill('completed'));

    w2.child.kill('SIGTERM');
    const exit2 = await w2.done;
    expect(exit2.code).toBe(0);
  });

  it('with --retries 0, a killed worker\'s job is failed by the queue and its run left interrupted, not run again', async () => {
    const file = sweepFile('once', '');
    const w3 = worker();
    const id3 = await w3.firstLine;
    const submitted = await start(['submit', file, '--retries', '0', '--json', ...SMALL]).done;
    expect(submitted.code).toBe(0);
    const [{ id }] = (JSON.parse(submitted.stdout) as { runs: Array<{ id: string }> }).runs;
    await waitFor('the run held by worker 3', async () => (await runs()).find((r) => r.id === id && r.status === 'running' && r.worker === id3));
    w3.child.kill('SIGKILL');
    await w3.done;

    const w4 = worker();
    await w4.firstLine;
    await waitFor('the job failed', async () => (await jobStates([id]))[id] === 'failed');
    const mine = (await runs()).filter((r) => r.id === id || r.reproducedFrom === id);
    expect(mine.map((r) => [r.status, r.worker])).toEqual([['interrupted', id3]]);
    w4.child.kill('SIGTERM');
    expect((await w4.done).code).toBe(0);
  });
});

describe('a retry after a worker was killed mid-run', () => {
  // dropout, hflip and a step schedule, so the masks, the data order, the learning rate and Adam's moments must all
  // pick up where they were; 32 train images in batches of 4, 6 epochs: long enough to kill a worker part-way
  let experiment: string;
  let whole: { id: string; aucs: Array<number | null>; auc: number | null; predictions: string };
  const repo = () => new RunRepository(db.dataSource);
  const runDir = (id: string) => path.join(work, 'runs', id);
  const predictions = (id: string) => readFileSync(path.join(runDir(id), 'val_predictions.csv'), 'utf8');
  const events = (id: string) => readFileSync(path.join(runDir(id), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The epochs trained after the last start event of a run's log: what its last attempt trained itself. */
  const trainedByLastAttempt = (log: Array<Record<string, unknown>>) => log.slice(log.map((e) => e.type).lastIndexOf('start')).filter((e) => e.type === 'epoch').map((e) => e.epoch);

  beforeAll(async () => {
    experiment = writeResumableExperiment(work);
    const res = await start(['run', experiment, '--quiet', '--runs-dir', 'runs']).done;
    expect(res.stderr).toBe('');
    const id = res.stdout.trim();
    const run = (await repo().getRun(id, { epochs: true }))!;
    whole = { id, aucs: run.epochs!.map((e) => e.valAuc), auc: run.auc, predictions: predictions(id) };
  });

  /** Submits the experiment, lets a worker train it until its first last-checkpoint exists, then kills the worker. */
  async function killedWithCheckpoint(): Promise<{ id: string; keptEpoch: number; killedWorker: string }> {
    const w = worker();
    const killedWorker = await w.firstLine;
    const submitted = await start(['submit', experiment, '--retries', '1', '--json']).done;
    expect(submitted.code).toBe(0);
    const [{ id }] = (JSON.parse(submitted.stdout) as { runs: Array<{ id: string }> }).runs;
    const meta = path.join(runDir(id), 'checkpoints', 'last', 'meta.json');
    // polled often: the worker must die part-way, not after its last epoch
    for (const until = Date.now() + 150_000; !existsSync(meta); await sleep(20)) if (Date.now() > until) throw new Error('the run never wrote a checkpoint');
    w.child.kill('SIGKILL');
    await w.done;
    const keptEpoch = (JSON.parse(readFileSync(meta, 'utf8')) as { epoch: number }).epoch;
    expect(keptEpoch).toBeLessThan(5); // killed before the end, or this test proves nothing
    return { id, keptEpoch, killedWorker };
  }

  /** Starts a worker, waits until the job's retry has finished and the job is completed, stops the worker. */
  async function retriedToTheEnd(id: string): Promise<{ retry: Run; stderr: string }> {
    const w = worker();
    await w.firstLine;
    const retry = await waitFor('the retry finished', async () => (await runs()).find((r) => r.reproducedFrom === id && r.status === 'finished'));
    await waitFor('the job completed', async () => (await jobStates([id]))[id] === 'completed', 30_000);
    w.child.kill('SIGTERM');
    const exit = await w.done;
    expect(exit.code).toBe(0);
    // the result is recorded once: one finished row for the job, the killed attempt left as it ended
    const mine = (await runs()).filter((r) => r.id === id || r.reproducedFrom === id);
    expect(mine.map((r) => [r.id, r.status])).toEqual([
      [id, 'interrupted'],
      [retry.id, 'finished'],
    ]);
    return { retry: (await repo().getRun(retry.id, { epochs: true }))!, stderr: exit.stderr };
  }

  it('goes on from the killed attempt\'s last checkpoint as a new run and ends byte-equal to a run that never stopped', async () => {
    const { id, keptEpoch, killedWorker } = await killedWithCheckpoint();
    const { retry, stderr } = await retriedToTheEnd(id);

    expect(stderr).toContain(`run ${retry.id}: retry of run ${id}: going on from the checkpoint of epoch ${keptEpoch + 1}; attempt ${id} ended interrupted: worker ${killedWorker} is gone (killed or crashed)`);
    expect(stderr).toContain(`went on from epoch ${keptEpoch + 1} of attempt ${id}`);
    const killed = (await repo().getRun(id, { epochs: true }))!;
    expect(killed).toMatchObject({ status: 'interrupted', worker: killedWorker, auc: null });
    expect(killed.epochs!.length).toBeGreaterThanOrEqual(keptEpoch + 1);

    // the retry trained only the epochs after the checkpoint; its log keeps the killed attempt's events before them
    const log = events(retry.id);
    expect(log.filter((e) => e.type === 'retry')).toEqual([expect.objectContaining({ retryOf: id, previousAttempt: id, resumedAfterEpoch: keptEpoch })]);
    expect(log.filter((e) => e.type === 'start').map((e) => e.resumedAfterEpoch)).toEqual([undefined, keptEpoch]);
    expect(trainedByLastAttempt(log)).toEqual([0, 1, 2, 3, 4, 5].filter((e) => e > keptEpoch));

    expect(retry).toMatchObject({ status: 'finished', epochsDone: 6, reproducedFrom: id, runDir: runDir(retry.id) });
    expect(retry.epochs!.map((e) => e.valAuc)).toEqual(whole.aucs);
    expect(retry.auc).toBe(whole.auc);
    expect(predictions(retry.id)).toBe(whole.predictions);
  });

  it('starts over when the killed attempt left no usable checkpoint, and says why', async () => {
    const { id } = await killedWithCheckpoint();
    // as if it had been killed before its first epoch ended
    rmSync(path.join(runDir(id), 'checkpoints'), { recursive: true });
    const { retry, stderr } = await retriedToTheEnd(id);

    const why = `attempt ${id} cannot be resumed: it stopped before its first epoch ended, so it has no checkpoint (${path.join(runDir(id), 'checkpoints', 'last')})`;
    expect(stderr).toContain(`run ${retry.id}: retry of run ${id}: starting over; ${why}`);
    expect(stderr).toContain(`6 epoch(s), started over`);
    const log = events(retry.id);
    expect(log.filter((e) => e.type === 'retry')).toEqual([expect.objectContaining({ retryOf: id, previousAttempt: id, resumedAfterEpoch: null, reason: why })]);
    expect(log.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(trainedByLastAttempt(log)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(retry.epochs!.map((e) => e.valAuc)).toEqual(whole.aucs);
    expect(predictions(retry.id)).toBe(whole.predictions);
  });
});
