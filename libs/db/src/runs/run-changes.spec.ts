import { startTestDatabase, truncateAll, type TestDatabase } from '../testing/test-database';
import { ciPair } from './run-ci';
import { parseRunChange, RunChangeListener, type RunChange } from './run-changes';
import { RunRepository } from './run-repository';

describe('ciPair', () => {
  it('pairs the bounds only when both are recorded', () => {
    expect(ciPair(0.9, 0.95)).toEqual([0.9, 0.95]);
    expect(ciPair(0.9, null)).toBeNull();
    expect(ciPair(null, null)).toBeNull();
  });
});

describe('parseRunChange', () => {
  it('reads the trigger payload and ignores anything else', () => {
    expect(parseRunChange('{"id":"a","op":"update","status":"finished"}')).toEqual({ id: 'a', op: 'update', status: 'finished' });
    expect(parseRunChange('{"id":null,"op":"truncate","status":null}')).toEqual({ id: null, op: 'truncate', status: null });
    expect(parseRunChange('{"op":"drop"}')).toBeNull();
    expect(parseRunChange('not json')).toBeNull();
  });
});

describe('run changes (real embedded PostgreSQL)', () => {
  let db: TestDatabase;
  let repo: RunRepository;
  let listener: RunChangeListener;
  const seen: RunChange[] = [];

  /** Waits until the listener has seen a change matching `match` (notifications arrive at commit, asynchronously). */
  async function waitFor(match: Partial<RunChange>): Promise<void> {
    const found = () => seen.some((c) => Object.entries(match).every(([k, v]) => c[k as keyof RunChange] === v));
    for (let i = 0; i < 400 && !found(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(seen).toContainEqual(expect.objectContaining(match));
  }

  beforeAll(async () => {
    db = await startTestDatabase();
    repo = new RunRepository(db.dataSource);
    listener = new RunChangeListener({ url: db.url, onChange: (c) => seen.push(c) });
    await listener.start();
  }, 60_000);
  afterAll(async () => {
    await listener?.stop();
    await db?.stop();
  }, 30_000);

  it('announces every insert, update, delete and truncate of a run, and moves the change version at once', async () => {
    expect(listener.connected).toBe(true);
    const v0 = await repo.changeVersion();
    const run = await repo.createRun({ name: 'watched', resolvedConfig: {}, configHash: 'h' });
    const v1 = await repo.changeVersion();
    expect(v1).toBeGreaterThan(v0);
    await waitFor({ id: run.id, op: 'insert', status: 'running' });

    const generation = listener.generation;
    await repo.recordEpoch(run.id, { epoch: 0, valAuc: 0.8 });
    expect(await repo.changeVersion()).toBeGreaterThan(v1);
    await waitFor({ id: run.id, op: 'update', status: 'running' });
    expect(listener.generation).toBeGreaterThan(generation);

    await repo.finishRun(run.id, { auc: 0.9, tprAt1e3: 0.3, tprNegatives: 2000 });
    await waitFor({ id: run.id, op: 'update', status: 'finished' });
    await repo.deleteRun(run.id);
    await waitFor({ id: run.id, op: 'delete' });
    await truncateAll(db.dataSource);
    await waitFor({ op: 'truncate' });
  });

  it('reconnects when its connection is lost, and says so', async () => {
    const states: boolean[] = [];
    const own = new RunChangeListener({ url: db.url, onChange: (c) => seen.push(c), onState: (up) => states.push(up), retryMs: 50 });
    await own.start();
    try {
      await db.dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [`dfl-listen:${process.pid}`]);
      for (let i = 0; i < 400 && states.filter(Boolean).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(states.slice(0, 3)).toEqual([true, false, true]);
      const run = await repo.createRun({ name: 'after-reconnect', resolvedConfig: {}, configHash: 'h' });
      await waitFor({ id: run.id, op: 'insert' });
    } finally {
      await own.stop();
    }
  });
});
