import { Promotion } from '../entities/promotion.entity';
import { FIXTURE_RANKED_IDS, FIXTURE_RUNS, seedFixtureRuns } from '../fixtures/seed-runs';
import { startTestDatabase, truncateAll, type TestDatabase } from '../testing/test-database';
import { RunRepository } from './run-repository';
import { RunNotFoundError, RunStateError, type NewRun } from './run-records';

const newRun = (over: Partial<NewRun> = {}): NewRun => ({
  name: 'demo-run',
  resolvedConfig: { train: { epochs: 2 } },
  configHash: 'abc123',
  datasetName: 'demo',
  datasetHash: 'demo-hash',
  backbone: 'tiny_cnn',
  seed: 4_000_000_000,
  epochsPlanned: 2,
  gitCommit: 'deadbeef',
  gitDirty: true,
  engine: 'tfjs',
  backend: 'wasm',
  packageVersions: { '@tensorflow/tfjs': '4.22.0' },
  ...over,
});

const finalMetrics = { auc: 0.91, aucCi: [0.88, 0.94] as [number, number], tprAt1e3: 0.3, tprCi: [0.2, 0.4] as [number, number], tprNegatives: 1500, eer: 0.12, ap: 0.9, rocPoints: [[0, 0], [0.5, 0.9], [1, 1]] as Array<[number, number]> };

describe('RunRepository', () => {
  let db: TestDatabase;
  let repo: RunRepository;

  beforeAll(async () => {
    db = await startTestDatabase();
    repo = new RunRepository(db.dataSource);
  }, 60_000); // a cluster starts in ~2 s, much more on a loaded machine
  afterAll(() => db?.stop(), 30_000);
  beforeEach(() => truncateAll(db.dataSource));

  describe('recording a run', () => {
    it('creates a running run with its provenance, records epochs and finishes with metrics', async () => {
      const run = await repo.createRun(newRun({ tags: ['a', 'b'] }));
      expect(run).toMatchObject({ status: 'running', pid: process.pid, seed: 4_000_000_000, gitDirty: true, tags: ['a', 'b'], epochsDone: 0 });
      expect(run.startedAt).toBeInstanceOf(Date);

      await repo.recordEpoch(run.id, { epoch: 1, valAuc: 0.7, trainLoss: 0.6 });
      await repo.recordEpoch(run.id, { epoch: 2, valAuc: 0.8, trainLoss: 0.5 });
      await repo.recordEpoch(run.id, { epoch: 2, valAuc: 0.85, trainLoss: 0.45 }); // replaces epoch 2

      const finished = await repo.finishRun(run.id, finalMetrics);
      expect(finished).toMatchObject({ status: 'finished', auc: 0.91, aucCiLow: 0.88, aucCiHigh: 0.94, tprAt1e3: 0.3, tprNegatives: 1500, epochsDone: 2 });
      expect(finished.rocPoints).toEqual([[0, 0], [0.5, 0.9], [1, 1]]);
      expect(finished.durationS).toBeGreaterThanOrEqual(0);
      expect(finished.epochs!.map((e) => [e.epoch, e.valAuc])).toEqual([[1, 0.7], [2, 0.85]]);
    });

    it('records a failure with its error and never rewrites an ended run', async () => {
      const run = await repo.createRun(newRun());
      expect(await repo.failRun(run.id, 'cannot decode data/x.png')).toBe(true);
      expect(await repo.markInterrupted(run.id)).toBe(false);
      await expect(repo.finishRun(run.id, finalMetrics)).rejects.toBeInstanceOf(RunStateError);
      expect(await repo.getRun(run.id)).toMatchObject({ status: 'failed', error: 'cannot decode data/x.png', auc: null });
    });

    it('refuses epochs of a run that does not exist', async () => {
      await expect(repo.recordEpoch('00000000-0000-4000-8000-00000000dead', { epoch: 1 })).rejects.toBeInstanceOf(RunNotFoundError);
    });

    it('reaps running runs of this host whose process is gone, and only those', async () => {
      const alive = await repo.createRun(newRun({ name: 'alive', host: 'here', pid: 111 }));
      const dead = await repo.createRun(newRun({ name: 'dead', host: 'here', pid: 222 }));
      const elsewhere = await repo.createRun(newRun({ name: 'elsewhere', host: 'there', pid: 222 }));
      const reaped = await repo.reapDeadRuns({ host: 'here', isAlive: (pid) => pid === 111 });
      expect(reaped).toEqual([dead.id]);
      expect((await repo.getRun(dead.id))!.status).toBe('interrupted');
      expect((await repo.getRun(dead.id))!.error).toMatch(/process 222 on here is gone/);
      expect((await repo.getRun(alive.id))!.status).toBe('running');
      expect((await repo.getRun(elsewhere.id))!.status).toBe('running');
    });

    it('reaps a run whose real process has exited', async () => {
      const { spawnSync } = await import('node:child_process');
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const run = await repo.createRun(newRun({ pid: Number(child.stdout) }));
      const mine = await repo.createRun(newRun());
      expect(await repo.reapDeadRuns()).toEqual([run.id]);
      expect((await repo.getRun(mine.id))!.status).toBe('running');
    });

    it('continues a stopped run as a new row with the epochs up to its checkpoint, leaving the stopped run as it ended', async () => {
      const stopped = await repo.createRun(newRun());
      for (const epoch of [0, 1, 2]) await repo.recordEpoch(stopped.id, { epoch, valAuc: 0.5 + epoch / 10, trainLoss: 1 - epoch / 10 });
      await repo.markInterrupted(stopped.id, 'worker w1 is gone (killed or crashed)');

      const next = await repo.createContinuedRun(newRun({ reproducedFrom: stopped.id, worker: 'w2' }), { runId: stopped.id, throughEpoch: 1 });
      expect(next).toMatchObject({ status: 'running', worker: 'w2', reproducedFrom: stopped.id, epochsDone: 2, auc: null });
      expect(next.epochs!.map((e) => [e.epoch, e.valAuc, e.trainLoss])).toEqual([[0, 0.5, 1], [1, 0.6, 0.9]]);
      const before = (await repo.getRun(stopped.id))!;
      expect(before).toMatchObject({ status: 'interrupted', error: 'worker w1 is gone (killed or crashed)', epochsDone: 3 });
      expect(before.epochs!.map((e) => e.epoch)).toEqual([0, 1, 2]);
    });
  });

  describe('queued runs', () => {
    it('records queued runs in one transaction with the caller\'s work, and rolls all back if it fails', async () => {
      const runs = await repo.createQueuedRuns([newRun({ sweepId: 's1' }), newRun({ sweepId: 's1' })], async (tx) => {
        await tx.query('SELECT 1');
      });
      expect(runs.map((r) => r.status)).toEqual(['queued', 'queued']);
      const stored = await repo.getRun(runs[0].id);
      expect(stored).toMatchObject({ status: 'queued', startedAt: null, pid: null, sweepId: 's1' });

      await expect(
        repo.createQueuedRuns([newRun({ name: 'never' })], async () => {
          throw new Error('enqueue failed');
        }),
      ).rejects.toThrow('enqueue failed');
      expect((await repo.listRuns({ q: 'never' })).total).toBe(0);
    });

    it('starts a queued run once: the second taker gets a RunStateError', async () => {
      const [run] = await repo.createQueuedRuns([newRun()]);
      const started = await repo.startQueuedRun(run.id, { worker: 'w1', engine: 'tfjs', backend: 'cpu' });
      expect(started).toMatchObject({ status: 'running', worker: 'w1', backend: 'cpu', pid: process.pid });
      expect(started.startedAt).toBeInstanceOf(Date);
      await expect(repo.startQueuedRun(run.id, { worker: 'w2' })).rejects.toBeInstanceOf(RunStateError);
      expect((await repo.getRun(run.id))!.worker).toBe('w1');
      await expect(repo.startQueuedRun('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(RunNotFoundError);
    });
  });

  describe('listRuns', () => {
    beforeEach(() => seedFixtureRuns(db.dataSource));

    it('ranks by AUC, then TPR@1e-3, then earlier finish; runs without AUC last and unranked', async () => {
      const page = await repo.listRuns();
      expect(page.total).toBe(FIXTURE_RUNS.length);
      expect(page.items.map((i) => i.run.id)).toEqual(FIXTURE_RANKED_IDS);
      expect(page.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5, 6, null, null, null]);
      expect(page.items[0].run.name).toBe('resnet18-best');
      expect(page.items.slice(3, 5).map((i) => i.run.name)).toEqual(['effnet-tie-early', 'effnet-tie-late']);
    });

    it('pages without overlap and keeps ranks absolute', async () => {
      const first = await repo.listRuns({ limit: 4, offset: 0 });
      const second = await repo.listRuns({ limit: 4, offset: 4 });
      expect([...first.items, ...second.items].map((i) => i.run.id)).toEqual(FIXTURE_RANKED_IDS.slice(0, 8));
      expect(second.items.map((i) => i.rank)).toEqual([5, 6, null, null]);
      expect(second.total).toBe(FIXTURE_RUNS.length);
    });

    it('filters by dataset, status, backbone, tag and name text; rank is within the filtered runs', async () => {
      const other = await repo.listRuns({ dataset: 'other-hash' });
      expect(other.items.map((i) => [i.rank, i.run.name])).toEqual([[1, 'tiny-other-dataset']]);
      const mobile = await repo.listRuns({ backbone: 'mobilenet_v2', status: ['finished'] });
      expect(mobile.items.map((i) => [i.rank, i.run.name])).toEqual([[1, 'mobilenet-tie-high-tpr'], [2, 'mobilenet-tie-low-tpr']]);
      expect((await repo.listRuns({ tag: 'best' })).items.map((i) => i.run.name)).toEqual(['resnet18-best']);
      expect((await repo.listRuns({ q: 'TIE-LA' })).items.map((i) => i.run.name)).toEqual(['effnet-tie-late']);
      expect((await repo.listRuns({ q: '%' })).total).toBe(0);
      expect((await repo.listRuns({ datasetName: 'demo', status: ['failed', 'interrupted'] })).total).toBe(2);
    });

    it('reuses a total for countCacheMs when asked, and forgets it on its own writes', async () => {
      const cached = new RunRepository(db.dataSource, { countCacheMs: 60_000 });
      expect((await cached.listRuns({ dataset: 'demo' })).total).toBe(8);
      await repo.createRun(newRun({ name: 'written-elsewhere' })); // another process, as far as `cached` knows
      const page = await cached.listRuns({ dataset: 'demo' });
      expect(page.total).toBe(8); // the total may be stale up to countCacheMs...
      expect(page.items.map((i) => i.run.name)).toContain('written-elsewhere'); // ...the rows never are
      expect((await repo.listRuns({ dataset: 'demo' })).total).toBe(9); // default: always counted
      await cached.deleteRun(FIXTURE_RANKED_IDS[0]);
      expect((await cached.listRuns({ dataset: 'demo' })).total).toBe(8);
    });

    it('sorts by another metric, keeping each run its leaderboard rank', async () => {
      const page = await repo.listRuns({ sort: 'finishedAt', order: 'asc', limit: 3 });
      expect(page.items.map((i) => [i.run.name, i.rank])).toEqual([
        ['tiny-other-dataset', 6],
        ['effnet-tie-early', 4],
        ['resnet18-failed', null],
      ]);
      const byEer = await repo.listRuns({ sort: 'eer' });
      const eers = byEer.items.map((i) => i.run.eer).filter((e) => e !== null);
      expect(eers).toEqual([...eers].sort((a, b) => a! - b!));
    });
  });

  describe('setPromoted', () => {
    beforeEach(() => seedFixtureRuns(db.dataSource));
    const [best, second] = FIXTURE_RANKED_IDS;

    it('keeps one promoted run per dataset and track, with history', async () => {
      await repo.setPromoted(second);
      const promoted = await repo.setPromoted(best);
      expect(promoted.promoted).toBe(true);
      expect((await repo.getRun(second))!.promoted).toBe(false);
      const history = await db.dataSource.getRepository(Promotion).find({ order: { id: 'ASC' } });
      expect(history.map((h) => [h.runId, h.demotedAt === null])).toEqual([[second, false], [best, true]]);
      expect(history[1].metrics).toMatchObject({ auc: 0.95 });
      // Promoting the current one again changes nothing.
      await repo.setPromoted(best);
      expect(await db.dataSource.getRepository(Promotion).count()).toBe(2);
    });

    it('demotes, and refuses to promote a run without metrics', async () => {
      await repo.setPromoted(best);
      expect((await repo.setPromoted(best, { promoted: false })).promoted).toBe(false);
      const failed = FIXTURE_RUNS.find((r) => r.status === 'failed')!.id;
      await expect(repo.setPromoted(failed)).rejects.toBeInstanceOf(RunStateError);
    });

    it('serialises concurrent promotions of the same dataset', async () => {
      await Promise.all([repo.setPromoted(best), repo.setPromoted(second), repo.setPromoted(FIXTURE_RANKED_IDS[2])]);
      const promoted = await repo.listRuns({ promoted: true });
      expect(promoted.total).toBe(1);
    });
  });

  it('updates tags and notes, and deletes a run with its epochs', async () => {
    await seedFixtureRuns(db.dataSource);
    const [id] = FIXTURE_RANKED_IDS;
    expect(await repo.updateRun(id, { tags: ['x'], notes: 'good' })).toMatchObject({ tags: ['x'], notes: 'good' });
    expect(await repo.deleteRun(id)).toBe(true);
    expect(await repo.deleteRun(id)).toBe(false);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM run_epochs WHERE run_id = $1', [id])).toEqual([{ n: 0 }]);
    await expect(repo.updateRun(id, { notes: 'gone' })).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
