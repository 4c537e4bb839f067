import request from 'supertest';
import { FIXTURE_RANKED_IDS, FIXTURE_RUNS, RunRepository, seedFixtureRuns, startTestDatabase, truncateAll, type TestDatabase } from '@dfl/db';
import { createLeaderboardApp, type Leaderboard } from '../src/app';

const TOKEN = 'e2e-secret-token';
const byName = (name: string): string => FIXTURE_RUNS.find((r) => r.name === name)!.id;
type Row = { id: string; name: string; rank: number | null };

describe('leaderboard API (real embedded PostgreSQL)', () => {
  let db: TestDatabase;
  let board: Leaderboard;
  let readOnly: Leaderboard;
  const http = () => request(board.app.getHttpServer());

  beforeAll(async () => {
    db = await startTestDatabase();
    board = await createLeaderboardApp({ url: db.url, token: TOKEN, logger: false });
    readOnly = await createLeaderboardApp({ url: db.url, token: null, logger: false });
  }, 60_000); // a cluster starts in ~2 s, much more on a loaded machine
  afterAll(async () => {
    await board?.close();
    await readOnly?.close();
    await db?.stop();
  }, 30_000);
  beforeEach(async () => {
    await truncateAll(db.dataSource);
    await seedFixtureRuns(db.dataSource);
  });

  describe('GET /api/runs', () => {
    it('ranks by AUC, ties by TPR@1e-3, then by the earlier finish, with the contract fields', async () => {
      const res = await http().get('/api/runs').expect(200);
      expect(res.body.total).toBe(FIXTURE_RUNS.length);
      expect(res.body.items.map((r: Row) => r.id)).toEqual(FIXTURE_RANKED_IDS);
      const names = res.body.items.map((r: Row) => r.name);
      // Same AUC 0.93: the higher TPR wins although it finished later.
      expect(names.indexOf('mobilenet-tie-high-tpr')).toBeLessThan(names.indexOf('mobilenet-tie-low-tpr'));
      // Same AUC 0.90 and TPR 0.25: the earlier finish wins.
      expect(names.indexOf('effnet-tie-early')).toBe(names.indexOf('effnet-tie-late') - 1);
      expect(res.body.items[0]).toEqual({
        rank: 1,
        id: byName('resnet18-best'),
        name: 'resnet18-best',
        status: 'finished',
        backbone: 'resnet18',
        auc: 0.95,
        aucCi: [0.93, 0.97],
        tpr: 0.4,
        tprCi: [0.35, 0.45],
        tprNegatives: 2000,
        eer: expect.any(Number),
        ap: 0.94,
        epochs: 5,
        durationS: 150,
        promoted: false,
        tags: ['baseline', 'best'],
        datasetName: 'demo',
        datasetHash: 'demo-hash',
        createdAt: expect.stringMatching(/^2026-01-01T/),
        finishedAt: '2026-01-01T01:00:00.000Z',
        worker: null,
        sweepId: null,
      });
      const running = res.body.items.find((r: Row) => r.name === 'resnet18-running');
      expect(running).toMatchObject({ rank: null, auc: null, aucCi: null, finishedAt: null, status: 'running' });
    });

    it('filters by dataset (name or hash), status, backbone, tag and text in the name', async () => {
      const names = async (query: string): Promise<string[]> =>
        (await http().get(`/api/runs?${query}`).expect(200)).body.items.map((r: Row) => r.name);
      expect(await names('dataset=other')).toEqual(['tiny-other-dataset']);
      expect(await names('datasetHash=other-hash')).toEqual(['tiny-other-dataset']);
      expect(await names('status=failed,interrupted')).toEqual(['resnet18-failed', 'mobilenet-interrupted']);
      expect(await names('status=failed&status=running')).toEqual(['resnet18-failed', 'resnet18-running']);
      expect(await names('backbone=efficientnet_b0')).toEqual(['effnet-tie-early', 'effnet-tie-late']);
      expect(await names('tag=baseline')).toEqual(['resnet18-best']);
      expect(await names('q=MOBILENET-TIE')).toEqual(['mobilenet-tie-high-tpr', 'mobilenet-tie-low-tpr']);
      expect(await names("q=' OR 1=1 --")).toEqual([]);
      expect(await names('q=%25')).toEqual([]); // a literal %, not a wildcard
      const ranks = (await http().get('/api/runs?backbone=mobilenet_v2').expect(200)).body.items.map((r: Row) => r.rank);
      expect(ranks).toEqual([1, 2, null]); // rank among the filtered runs
    });

    it('paginates with limit/offset and with page/pageSize, pages never overlapping', async () => {
      const a = (await http().get('/api/runs?limit=4&offset=0').expect(200)).body;
      const b = (await http().get('/api/runs?limit=4&offset=4').expect(200)).body;
      const c = (await http().get('/api/runs?page=3&pageSize=4').expect(200)).body;
      expect(a.total).toBe(FIXTURE_RUNS.length);
      expect([...a.items, ...b.items, ...c.items].map((r: Row) => r.id)).toEqual(FIXTURE_RANKED_IDS);
      expect(b.items.map((r: Row) => r.rank)).toEqual([5, 6, null, null]);
      expect(c.items).toHaveLength(1);
    });

    it('sorts by a metric in either direction, keeping each run its rank', async () => {
      const asc = (await http().get('/api/runs?sort=eer&status=finished').expect(200)).body.items;
      expect(asc.map((r: { eer: number }) => r.eer)).toEqual([...asc.map((r: { eer: number }) => r.eer)].sort((x, y) => x - y));
      expect(asc[0]).toMatchObject({ name: 'resnet18-best', rank: 1 });
      const desc = (await http().get('/api/runs?sort=durationS&order=desc&limit=1').expect(200)).body.items;
      expect(desc[0]).toMatchObject({ name: 'resnet18-best', durationS: 150 });
      const byName = (await http().get('/api/runs?sort=name&limit=2').expect(200)).body.items.map((r: Row) => r.name);
      expect(byName).toEqual(['effnet-tie-early', 'effnet-tie-late']);
    });
  });

  describe('a list is cached until a run changes', () => {
    it('answers If-None-Match with 304, and a change by another connection at once with the new list', async () => {
      const first = await http().get('/api/runs?limit=3').expect(200);
      const etag = first.headers.etag as string;
      expect(etag).toBeTruthy();
      await http().get('/api/runs?limit=3').set('If-None-Match', etag).expect(304);
      // another connection than the service's (like the runner's process): no waiting for the notification
      await new RunRepository(db.dataSource).updateRun(FIXTURE_RANKED_IDS[0], { name: 'renamed-by-the-runner' });
      const after = await http().get('/api/runs?limit=3').set('If-None-Match', etag).expect(200);
      expect(after.headers.etag).not.toBe(etag);
      expect(after.body.items[0]).toMatchObject({ id: FIXTURE_RANKED_IDS[0], name: 'renamed-by-the-runner' });
      expect(after.body.total).toBe(FIXTURE_RUNS.length);
      // the total follows too (it had been cached)
      await new RunRepository(db.dataSource).deleteRun(FIXTURE_RANKED_IDS[1]);
      expect((await http().get('/api/runs?limit=3').expect(200)).body.total).toBe(FIXTURE_RUNS.length - 1);
    });
  });

  describe('GET /api/events', () => {
    it('pushes the changes of runs made by any connection as server-sent events, and ends with the service', async () => {
      const live = await createLeaderboardApp({ url: db.url, port: 0, token: null, logger: false });
      try {
        const res = await fetch(`${live.url}/api/events`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/event-stream');
        const reader = res.body!.getReader();
        let text = '';
        const until = async (pattern: RegExp): Promise<string> => {
          while (!pattern.test(text)) {
            const { value, done } = await reader.read();
            if (done) throw new Error(`the stream ended before ${pattern}: ${text}`);
            text += Buffer.from(value).toString('utf8');
          }
          return text;
        };
        await until(/event: ready/);
        const run = await new RunRepository(db.dataSource).createRun({ name: 'pushed', resolvedConfig: {}, configHash: 'h' });
        await until(new RegExp(`event: runs\\n(id: \\d+\\n)?data: .*"id":"${run.id}","op":"insert","status":"running"`));
        await new RunRepository(db.dataSource).finishRun(run.id, { auc: 0.9, tprAt1e3: 0.3, tprNegatives: 2000 });
        await until(/"op":"update","status":"finished"/);
        // closing the service ends the open stream instead of waiting for it
        await live.close();
        await expect(until(/never/)).rejects.toThrow('the stream ended');
      } finally {
        await live.close().catch(() => undefined);
      }
    }, 30_000);
  });

  describe('bad input is a 400 that names the field', () => {
    it.each([
      ['an unknown key', 'colour=red', 'property colour should not exist'],
      ['a non-number limit', 'limit=ten', 'limit must be an integer number'],
      ['a limit too large', 'limit=100000', 'limit must not be greater than 500'],
      ['a negative offset', 'offset=-1', 'offset must not be less than 0'],
      ['an unknown status', 'status=finished,done', 'each value in status must be one of the following values'],
      ['a sort key that is not a column', 'sort=auc;DROP TABLE runs', 'sort must be one of the following values'],
      ['a raw SQL column', 'sort=tpr_at_1e3', 'sort must be one of the following values'],
      ['a bad order', 'order=sideways', 'order must be one of the following values'],
      ['an object smuggled in a key', 'limit[$gt]=1', 'property limit[$gt] should not exist'],
      ['a repeated string', 'q=a&q=b', 'q must be a string'],
      ['mixed paging styles', 'page=1&limit=5', 'page/pageSize and limit/offset cannot be mixed'],
      ['a non-boolean promoted', 'promoted=yes', 'promoted must be a boolean value'],
    ])('%s', async (_what, query, message) => {
      const res = await http().get(`/api/runs?${query}`).expect(400);
      expect(res.body.message.join('\n')).toContain(message);
    });

    it('for a malformed run id, and 404 for an unknown one', async () => {
      expect((await http().get('/api/runs/123').expect(400)).body.message).toEqual(['id must be a UUID']);
      await http().get('/api/runs/00000000-0000-4000-8000-00000000beef').expect(404);
    });

    it('for compare with too few or malformed ids', async () => {
      expect((await http().get(`/api/compare?ids=${FIXTURE_RANKED_IDS[0]}`).expect(400)).body.message.join()).toContain('ids must contain at least 2 elements');
      expect((await http().get('/api/compare?ids=a,b').expect(400)).body.message.join()).toContain('each value in ids must be a UUID');
      await http().get('/api/compare').expect(400);
    });

    it('and the database is still intact afterwards', async () => {
      await http().get("/api/runs?q='; DROP TABLE runs; --").expect(200);
      expect((await http().get('/api/runs').expect(200)).body.total).toBe(FIXTURE_RUNS.length);
    });
  });

  describe('GET /api/runs/:id and /api/compare', () => {
    it('returns the run with config, per-epoch curves, ROC points, robustness and artefacts', async () => {
      const res = await http().get(`/api/runs/${byName('resnet18-best')}`).expect(200);
      expect(res.body).toMatchObject({ name: 'resnet18-best', epochsDone: 5, resolvedConfig: { model: { backbone: 'resnet18' } } });
      // stored from 0 (as the runner records them), numbered from 1 (as the CLI prints them)
      expect(res.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
      expect(res.body.epochs[4].valAuc).toBeCloseTo(0.95);
      expect(res.body.rocPoints[0]).toEqual([0, 0]);
      expect(res.body.rocPoints.at(-1)).toEqual([1, 1]);
      expect(res.body.robustness).toHaveProperty('jpeg-q50');
      expect(res.body.artefacts).toHaveProperty('bestCheckpoint');
    });

    it('compares runs side by side with only the differing config paths', async () => {
      const ids = [byName('resnet18-best'), byName('mobilenet-tie-high-tpr')];
      const res = await http().get(`/api/compare?ids=${ids.join(',')}`).expect(200);
      expect(res.body.runs.map((r: Row) => r.id)).toEqual(ids);
      const diff = Object.fromEntries(res.body.configDiff.map((d: { path: string; values: unknown[] }) => [d.path, d.values]));
      expect(diff['model.backbone']).toEqual(['resnet18', 'mobilenet_v2']);
      expect(diff['train.optimizer.lr']).toEqual([0.001, 0.0005]);
      expect(diff).not.toHaveProperty('train.batchSize');
    });

    it('404s a compare naming an unknown run', async () => {
      const res = await http().get(`/api/compare?ids=${FIXTURE_RANKED_IDS[0]},00000000-0000-4000-8000-00000000beef`).expect(404);
      expect(res.body.message).toContain('00000000-0000-4000-8000-00000000beef');
    });
  });

  describe('writes need the token', () => {
    const best = byName('resnet18-best');
    const second = byName('mobilenet-tie-high-tpr');

    it('refuses writes without a token, with a wrong one, and everywhere when none is configured', async () => {
      await http().post(`/api/runs/${best}/promote`).expect(401);
      await http().patch(`/api/runs/${best}`).set('Authorization', 'Bearer wrong').send({ notes: 'x' }).expect(401);
      await http().delete(`/api/runs/${best}`).set('Authorization', TOKEN).expect(401); // no "Bearer"
      await request(readOnly.app.getHttpServer()).delete(`/api/runs/${best}`).set('Authorization', `Bearer ${TOKEN}`).expect(403);
      expect((await http().get(`/api/runs/${best}`).expect(200)).body).toMatchObject({ promoted: false, notes: null });
    });

    it('promotes one run per dataset, demoting the previous one', async () => {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      await http().post(`/api/runs/${second}/promote`).set(auth).expect(200);
      const res = await http().post(`/api/runs/${best}/promote`).set(auth).expect(200);
      expect(res.body.promoted).toBe(true);
      const promoted = (await http().get('/api/runs?promoted=true').expect(200)).body.items.map((r: Row) => r.id);
      expect(promoted).toEqual([best]);
      expect((await new RunRepository(db.dataSource).promotionHistory('demo')).map((p) => p.runId)).toEqual([best, second]);
      await http().post(`/api/runs/${byName('resnet18-failed')}/promote`).set(auth).expect(409);
      await http().post(`/api/runs/${best}/promote`).set(auth).send({ promoted: 'yes' }).expect(400);
    });

    it('edits tags and notes (validated) and deletes a run', async () => {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const res = await http().patch(`/api/runs/${best}`).set(auth).send({ tags: ['keep', 'paper'], notes: 'the one' }).expect(200);
      expect(res.body).toMatchObject({ tags: ['keep', 'paper'], notes: 'the one' });
      expect((await http().patch(`/api/runs/${best}`).set(auth).send({ status: 'finished' }).expect(400)).body.message).toEqual(['property status should not exist']);
      expect((await http().patch(`/api/runs/${best}`).set(auth).send({ tags: 'x' }).expect(400)).body.message.join()).toContain('tags must be an array');
      await http().delete(`/api/runs/${best}`).set(auth).expect(204);
      await http().get(`/api/runs/${best}`).expect(404);
      await http().delete(`/api/runs/${best}`).set(auth).expect(404);
    });
  });

  it('marks a run whose process is gone as interrupted, on its own', async () => {
    const reaping = await createLeaderboardApp({ url: db.url, token: null, logger: false, reapEveryMs: 50 });
    try {
      const { spawnSync } = await import('node:child_process');
      const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
      const run = await new RunRepository(db.dataSource).createRun({ name: 'killed', resolvedConfig: {}, configHash: 'h', pid: gone });
      let status = 'running';
      for (let i = 0; i < 200 && status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await request(reaping.app.getHttpServer()).get(`/api/runs/${run.id}`).expect(200)).body.status;
      }
      expect(status).toBe('interrupted');
    } finally {
      await reaping.close();
    }
  });

  it('serves the OpenAPI document and its UI without a CDN', async () => {
    const doc = (await http().get('/api/docs/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/runs', '/api/runs/{id}', '/api/compare', '/api/runs/{id}/promote', '/api/events']));
    const ui = await http().get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
    expect(ui.text).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/);
  });
});
