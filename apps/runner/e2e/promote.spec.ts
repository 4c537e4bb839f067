import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, parsePredictionCsv } from '@dfl/data';
import { lastJson, servedUrl, startDfl, type CliProcess } from './support/run-cli';
import { RunRepository, startTestDatabase, type TestDatabase } from '@dfl/db';

// The whole promotion story with the real CLI in child processes, a real embedded PostgreSQL and demo data made
// here: train the demo, promote it (submission + package + parity + DB), check the submission with `dfl evaluate`,
// score through `dfl predict` and the `dfl serve` test API, then reproduce the run. One training is shared by all
// (trainings are the slow part on 2 cores); the wasm engine: present wherever tfjs is, and bit-deterministic.
jest.setTimeout(600_000);

let db: TestDatabase;
let work: string;
let data: string;
let runId: string;
let csv: Map<string, number>;

const start = (args: string[], env: Record<string, string> = {}) => startDfl(args, { cwd: work, env: { DATABASE_URL: db.url, DFL_HOME: path.join(work, '.dfl'), ...env } });
const dfl = (args: string[], env?: Record<string, string>) => start(args, env).done;
const testImage = (name: string) => path.join(data, 'testset', name);

beforeAll(async () => {
  db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-promote-e2e-'));
  data = path.join(work, 'demo');
  await generateDemoDataset({ dir: data, n: 64, size: 32, seed: 7, quiet: true });
  writeFileSync(
    path.join(work, 'demo.yaml'),
    `name: demo-e2e
tags: [e2e]
engine: wasm
data: { root: ./demo, image_size: 32 }
model: { backbone: tiny_cnn }
augment: [{ name: hflip, p: 0.5 }]
tta: { views: [{ name: identity }, { name: hflip }] }
train: { epochs: 2, batch_size: 16, optimizer: { name: adam, lr: 0.003 }, seed: 1 }
eval: { bootstrap: { n: 50 } }
`,
  );
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('train the demo and promote it', () => {
  it('trains the demo run', async () => {
    const res = await dfl(['run', 'demo.yaml', '--quiet', '--runs-dir', 'runs']);
    expect(res.code).toBe(0);
    runId = res.stdout.trim().split('\n').pop() as string;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('promotes it: a submission that validates, the test AUC, a package, parity, and the promoted flag', async () => {
    const res = await dfl(['promote', runId.slice(0, 8), '--test', 'demo/testset', '--out', 'submission', '--labels', 'demo/test_label.txt', '--json', '--quiet']);
    expect(res.stderr).not.toContain('unexpected error');
    expect(res.code).toBe(0);
    const result = lastJson(res.stdout);
    expect(result.runId).toBe(runId);
    expect(result.images).toBe(16);
    expect(result.parity.checked).toBe(16);
    expect(result.parity.mismatches).toEqual([]);
    expect(res.stdout).toContain(`test         AUC ${result.test.auc.toFixed(4)}`);

    // the file: exact header, one row per test image, nothing else, scores in [0, 1]
    const text = readFileSync(path.join(work, 'submission', 'prediction.txt'), 'utf8');
    expect(text.split('\n')[0]).toBe('img_name,y_pred');
    const rows = parsePredictionCsv(text, 'prediction.txt');
    const testNames = readFileSync(path.join(data, 'test_label.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(rows.map((r) => r.name).sort()).toEqual([...testNames].sort());
    for (const r of rows) expect(r.score >= 0 && r.score <= 1).toBe(true);
    expect(readFileSync(path.join(work, 'submission', 'submission.csv'), 'utf8')).toBe(text);
    csv = new Map(rows.map((r) => [r.name, r.score]));

    // the package: everything listed with its hash, the metrics it was promoted with
    const manifest = JSON.parse(readFileSync(path.join(work, 'submission', 'package', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual(['config.resolved.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'scoring.json']);
    const metrics = JSON.parse(readFileSync(path.join(work, 'submission', 'package', 'metrics.json'), 'utf8'));
    expect(metrics.test.auc).toBe(result.test.auc);
    expect(metrics.validation.auc).toBeGreaterThan(0);

    const run = await new RunRepository(db.dataSource).getRun(runId);
    expect(run?.promoted).toBe(true);
    const history = await new RunRepository(db.dataSource).promotionHistory('demo');
    expect(history.map((p) => [p.runId, p.packagePath])).toEqual([[runId, path.join(work, 'submission', 'package')]]);
  });

  it('`dfl evaluate` of the submission against the held-out labels gives the AUC promote printed', async () => {
    const promoted = JSON.parse(readFileSync(path.join(work, 'submission', 'package', 'metrics.json'), 'utf8'));
    const res = await dfl(['evaluate', '--predictions', 'submission/prediction.txt', '--labels', 'demo/test_label.txt', '--json', '--bootstrap', '0']);
    expect(res.code).toBe(0);
    expect(lastJson(res.stdout).auc).toBe(promoted.test.auc);
    expect(lastJson(res.stdout)['tpr@fpr=1e-3']).toBe(promoted.test.tprAt1e3);
  });

  it('`dfl predict` scores from the package alone (no database reachable) as the CSV says', async () => {
    const names = ['test_00000.jpg', 'test_00007.jpg'];
    const res = await dfl(['predict', 'submission/package', ...names.map(testImage)], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(res.code).toBe(0);
    const rows = parsePredictionCsv(res.stdout, 'stdout');
    expect(rows.map((r) => r.name)).toEqual(names);
    for (const r of rows) expect(Math.abs(r.score - (csv.get(r.name) as number))).toBeLessThanOrEqual(1e-6);
  });

  it('`dfl predict` names an unreadable image, prints the others and exits 1', async () => {
    const res = await dfl(['predict', 'submission/package', testImage('test_00001.jpg'), path.join(work, 'demo.yaml')]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^img_name,y_pred\ntest_00001\.jpg,/);
    expect(res.stderr).toContain('cannot score demo.yaml: not a readable JPEG/PNG/WebP image');
  });

  it('refuses to use a package whose weights were changed', async () => {
    const tampered = path.join(work, 'tampered');
    const { cpSync } = await import('node:fs');
    cpSync(path.join(work, 'submission', 'package'), tampered, { recursive: true });
    appendFileSync(path.join(tampered, 'model', 'weights.bin'), Buffer.from([0]));
    const res = await dfl(['predict', tampered, testImage('test_00001.jpg')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('model/weights.bin: changed');
  });
});

describe('the test API (dfl serve)', () => {
  let server: CliProcess;
  let url: string;

  beforeAll(async () => {
    server = start(['serve', 'submission/package', '--port', '0', '--root', 'demo', '--max-upload-mb', '0.05']);
    url = await servedUrl(server);
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      expect((await server.done).code).toBe(0);
    }
  });

  const postJson = (body: unknown) => fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const upload = (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
    return fetch(`${url}/predict`, { method: 'POST', body: form });
  };

  it('says what it serves on GET /health', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', runId, source: 'package', backbone: 'tiny_cnn', tta: ['identity', 'hflip'] });
  });

  it('scores a path under the root as the CSV does', async () => {
    const res = await postJson({ path: 'testset/test_00003.jpg' });
    expect(res.status).toBe(200);
    const { score } = (await res.json()) as { score: number };
    expect(Math.abs(score - (csv.get('test_00003.jpg') as number))).toBeLessThanOrEqual(1e-6);
  });

  it('scores an uploaded image (multipart and raw bytes) as the CSV does', async () => {
    const bytes = readFileSync(testImage('test_00004.jpg'));
    const multipart = await upload(bytes, 'test_00004.jpg');
    expect(multipart.status).toBe(200);
    const raw = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes });
    expect(raw.status).toBe(200);
    for (const res of [multipart, raw]) {
      const { score } = (await res.json()) as { score: number };
      expect(Math.abs(score - (csv.get('test_00004.jpg') as number))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('answers 404 for a missing file, 403 for a ../ path or an absolute path outside the root', async () => {
    const missing = await postJson({ path: 'testset/no_such_image.jpg' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no such file: testset/no_such_image.jpg' });
    const up = await postJson({ path: '../demo.yaml' });
    expect(up.status).toBe(403);
    expect(((await up.json()) as { error: string }).error).toContain("may not contain '..'");
    const outside = await postJson({ path: path.join(work, 'demo.yaml') });
    expect(outside.status).toBe(403);
  });

  it('answers 400 with the reason for a bad image, 413 for a too large upload, and keeps serving', async () => {
    const bad = await upload(Buffer.from('this is not an image'), 'fake.jpg');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^fake\.jpg: not a readable JPEG\/PNG\/WebP image/);
    const big = await upload(Buffer.alloc(100_000, 1), 'big.jpg');
    expect(big.status).toBe(413);
    const garbled = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":' });
    expect(garbled.status).toBe(400);
    const after = await postJson({ path: 'testset/test_00005.jpg' });
    expect(after.status).toBe(200);
  });

  it('answers concurrent requests, each with its own image score', async () => {
    const names = [...csv.keys()];
    const scores = await Promise.all(names.map(async (name) => ((await (await postJson({ path: `testset/${name}` })).json()) as { score: number }).score));
    names.forEach((name, i) => expect(Math.abs(scores[i] - (csv.get(name) as number))).toBeLessThanOrEqual(1e-6));
    const health = (await (await fetch(`${url}/health`)).json()) as { items: number; batches: number };
    expect(health.items).toBeGreaterThanOrEqual(names.length);
  });
});

describe('dfl reproduce', () => {
  it('replays the run, records it linked to the original, and reports a difference within tolerance', async () => {
    const res = await dfl(['reproduce', runId, '--quiet', '--runs-dir', 'runs', '--json']);
    expect(res.code).toBe(0);
    const verdict = lastJson(res.stdout);
    // wasm on both sides: bit-equality expected, and got
    expect(verdict).toMatchObject({ outcome: 'bit-equal', tolerance: 0, aucDiff: 0, tprDiff: 0, maxScoreDiff: 0 });
    expect(res.stdout).toContain('REPRODUCED: bit-equal');
    const copy = await new RunRepository(db.dataSource).getRun(verdict.reproductionRun);
    expect(copy).toMatchObject({ status: 'finished', reproducedFrom: runId });

    const diff = await dfl(['diff', runId, verdict.reproductionRun]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('(B reproduces A)');
    expect(diff.stdout).toMatch(/config: identical/);
    expect(diff.stdout).toMatch(/AUC\s+\S+\s+\S+\s+0\n/);
  });

  it('refuses when the data changed since the run, naming the change, and records no run', async () => {
    const runs = await new RunRepository(db.dataSource).listRuns({ limit: 100 });
    appendFileSync(path.join(data, 'valset', 'val_00000.jpg'), Buffer.from([0]));
    const res = await dfl(['reproduce', runId, '--quiet', '--runs-dir', 'runs']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the data differs from what run');
    expect(res.stderr).toContain('val: 1 file size(s) changed: val_00000.jpg');
    expect(res.stderr).toContain('--allow-data-change');
    expect((await new RunRepository(db.dataSource).listRuns({ limit: 100 })).total).toBe(runs.total);
  });

  it('with --allow-data-change runs all the same, warns, and records the new data hash', async () => {
    // (the previous test appended a byte after the end of val_00000.jpg: the file differs, its pixels do not)
    const original = (await new RunRepository(db.dataSource).getRun(runId))!;
    const res = await dfl(['reproduce', runId, '--allow-data-change', '--quiet', '--runs-dir', 'runs', '--json']);
    expect(res.stderr).toContain('warning: the data differs from what run');
    expect(res.code).toBe(0);
    const verdict = lastJson(res.stdout);
    expect(verdict.warnings).toEqual(expect.arrayContaining([expect.stringContaining('val: 1 file size(s) changed: val_00000.jpg')]));
    expect(verdict).toMatchObject({ outcome: 'bit-equal', maxScoreDiff: 0 });
    const copy = (await new RunRepository(db.dataSource).getRun(verdict.reproductionRun))!;
    expect(copy).toMatchObject({ status: 'finished', reproducedFrom: runId });
    expect(copy.datasetHash).not.toBe(original.datasetHash);
  });
});
