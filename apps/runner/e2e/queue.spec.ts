import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDemoDataset } from '@dfl/data';
import { Run, startTestDatabase, type TestDatabase } from '@dfl/db';
import { DFL } from './support/run-cli';

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
