import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, parsePredictionCsv } from '@dfl/data';
import { lastJson, servedUrl, startDfl, type CliProcess } from './support/run-cli';
import { startTestDatabase, type TestDatabase } from '@dfl/db';

// A run trained on face crops, promoted and served with face boxes: the real CLI in child processes, an embedded
// PostgreSQL and demo data made here (tiny_cnn, 32 px, 1 epoch: seconds). The test images are scored as their crops
// (the CSV, the parity check through the test-API path, `dfl predict`, `dfl serve` with a box) and not as whole
// frames, which the same run without boxes gives, with a warning.
jest.setTimeout(600_000);

let db: TestDatabase;
let work: string;
let data: string;
let runId: string;
let crops: Map<string, number>;
let whole: Map<string, number>;

const start = (args: string[], env: Record<string, string> = {}) => startDfl(args, { cwd: work, env: { DATABASE_URL: db.url, DFL_HOME: path.join(work, '.dfl'), ...env } });
const dfl = (args: string[], env?: Record<string, string>) => start(args, env).done;
const testImage = (name: string) => path.join(data, 'testset', name);
const scores = (file: string) => new Map(parsePredictionCsv(readFileSync(path.join(work, file), 'utf8'), file).map((r) => [r.name, r.score]));
const close = (a: number | undefined, b: number | undefined) => expect(Math.abs((a as number) - (b as number))).toBeLessThanOrEqual(1e-6);

// every image gets a box around the middle of its 32x32 frame, a little different per image
const boxOf = (i: number) => [2 + (i % 4), 3 + (i % 3), 26 + (i % 5), 29] as const;
const NO_BOX = 'test_00005.jpg';
const OUTSIDE = 'test_00009.jpg';
let testBoxes: Map<string, readonly number[]>;

function writeBoxes(split: string, file: string): Map<string, readonly number[]> {
  const names = readdirSync(path.join(data, split)).sort();
  const boxes = new Map<string, readonly number[]>();
  names.forEach((n, i) => {
    if (n === NO_BOX) return;
    boxes.set(n, n === OUTSIDE ? [40, 40, 50, 50] : boxOf(i));
  });
  writeFileSync(path.join(data, file), ['img_name,x1,y1,x2,y2', ...[...boxes].map(([n, b]) => `${n},${b.join(',')}`)].join('\n') + '\n');
  return boxes;
}

beforeAll(async () => {
  db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-face-e2e-'));
  data = path.join(work, 'demo');
  await generateDemoDataset({ dir: data, n: 64, size: 32, seed: 11, quiet: true });
  writeBoxes('trainset', 'train_boxes.csv');
  writeBoxes('valset', 'val_boxes.csv');
  testBoxes = writeBoxes('testset', 'test_boxes.csv');
  writeFileSync(
    path.join(work, 'faces.yaml'),
    `name: faces-e2e
engine: wasm
data:
  root: ./demo
  image_size: 32
  face_margin: 0.1
  train: { face_boxes: train_boxes.csv }
  val: { face_boxes: val_boxes.csv }
model: { backbone: tiny_cnn }
tta: { views: [{ name: identity }, { name: hflip }] }
train: { epochs: 1, batch_size: 16, optimizer: { name: adam, lr: 0.003 }, seed: 1 }
eval: { bootstrap: { n: 20 } }
`,
  );
  const res = await dfl(['run', 'faces.yaml', '--quiet', '--runs-dir', 'runs']);
  if (res.code !== 0) throw new Error(`dfl run failed (${res.code}): ${res.stderr}`);
  runId = res.stdout.trim().split('\n').pop() as string;
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('promote a run trained on face crops', () => {
  it('without --face-boxes: scores the test images whole, with a warning, and still promotes', async () => {
    const res = await dfl(['promote', runId, '--test', 'demo/testset', '--out', 'whole', '--json', '--quiet']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`warning: run ${runId} was trained on face crops (data.train.face_boxes) but no --face-boxes file was given: the images are scored whole`);
    const result = lastJson(res.stdout);
    expect(result.faceBoxes).toBeNull();
    expect(result.warnings).toHaveLength(1);
    expect(result.parity.mismatches).toEqual([]);
    expect(res.stdout).toContain('face crops   none: the test images were scored whole, though the run trained on face crops');
    whole = scores('whole/prediction.txt');
  });

  it('with --face-boxes: the CSV scores the crops (whole only where no box fits), the parity check passes with the boxes sent', async () => {
    const res = await dfl(['promote', runId, '--test', 'demo/testset', '--out', 'crops', '--face-boxes', 'demo/test_boxes.csv', '--parity-sample', '16', '--json', '--quiet']);
    expect(res.stderr).not.toContain('warning');
    expect(res.code).toBe(0);
    const result = lastJson(res.stdout);
    expect(result.images).toBe(16);
    expect(result.faceBoxes).toMatchObject({ margin: 0.1, cropped: 14, withoutBox: 1, outside: [OUTSIDE], unmatchedRows: 0 });
    expect(res.stdout).toContain(`face crops   14 of 16 images (margin 0.1); scored whole: 1 without a box in demo/test_boxes.csv, 1 whose box lies outside the image (${OUTSIDE})`);
    expect(result.parity).toMatchObject({ checked: 16, mismatches: [] });
    expect(result.parity.maxAbsDiff).toBeLessThanOrEqual(1e-6);

    crops = scores('crops/prediction.txt');
    expect([...crops.keys()].sort()).toEqual([...whole.keys()].sort());
    for (const [name, score] of crops) {
      if (name === NO_BOX || name === OUTSIDE) close(score, whole.get(name));
      else expect(score).not.toBe(whole.get(name));
    }
    const scoring = JSON.parse(readFileSync(path.join(work, 'crops', 'package', 'scoring.json'), 'utf8'));
    expect(scoring.face).toEqual({ margin: 0.1, trainedOnCrops: true });
    const metrics = JSON.parse(readFileSync(path.join(work, 'crops', 'package', 'metrics.json'), 'utf8'));
    expect(metrics.testFaceBoxes).toMatchObject({ margin: 0.1, cropped: 14, scoredWhole: 2 });
  });

  it('refuses a face-box file with a bad row, naming its file and line', async () => {
    writeFileSync(path.join(work, 'bad_boxes.csv'), 'img_name,x1,y1,x2,y2\ntest_00000.jpg,1,1,20,20\ntest_00001.jpg,20,1,10,20\n');
    const res = await dfl(['promote', runId, '--test', 'demo/testset', '--out', 'bad', '--face-boxes', 'bad_boxes.csv', '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('bad_boxes.csv:3');
    expect(res.stderr).toContain('x2 must be greater than x1');
  });
});

describe('dfl predict with face boxes', () => {
  it('scores the crops as the CSV does, and whole frames (with a warning) without a box file', async () => {
    const names = ['test_00000.jpg', 'test_00003.jpg', NO_BOX];
    const res = await dfl(['predict', 'crops/package', ...names.map(testImage), '--face-boxes', 'demo/test_boxes.csv']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('face crops: 2 of 3 images (margin 0.1); scored whole: 1 without a box in demo/test_boxes.csv');
    const rows = parsePredictionCsv(res.stdout, 'stdout');
    expect(rows.map((r) => r.name)).toEqual(names);
    for (const r of rows) close(r.score, crops.get(r.name));

    const plain = await dfl(['predict', 'crops/package', testImage('test_00000.jpg')]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('was trained on face crops (data.train.face_boxes) but no --face-boxes file was given');
    close(parsePredictionCsv(plain.stdout, 'stdout')[0].score, whole.get('test_00000.jpg'));
  });
});

describe('dfl serve with face boxes', () => {
  let server: CliProcess;
  let url: string;

  beforeAll(async () => {
    server = start(['serve', 'crops/package', '--port', '0', '--root', 'demo']);
    url = await servedUrl(server);
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      expect((await server.done).code).toBe(0);
    }
  });

  const post = (body: unknown, query = '') => fetch(`${url}/predict${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const score = async (res: Response) => {
    const body = (await res.json()) as { score?: number; error?: string };
    expect(body).toEqual({ score: expect.any(Number) });
    return body.score as number;
  };
  const boxOfTest = (name: string) => testBoxes.get(name) as readonly number[];

  it('says on GET /health that the model expects face crops, and with which margin', async () => {
    const res = await fetch(`${url}/health`);
    expect(await res.json()).toMatchObject({ status: 'ok', runId, expectsFaceCrops: true, faceMargin: 0.1 });
  });

  it('scores a path with "box" in the JSON as the CSV does, and without a box as the whole frame', async () => {
    close(await score(await post({ path: 'testset/test_00003.jpg', box: boxOfTest('test_00003.jpg') })), crops.get('test_00003.jpg'));
    close(await score(await post({ path: 'testset/test_00003.jpg' })), whole.get('test_00003.jpg'));
  });

  it('scores an upload (multipart, raw bytes) with ?box= as the CSV does, and a multipart form field box too', async () => {
    const name = 'test_00004.jpg';
    const bytes = readFileSync(testImage(name));
    const query = `?box=${boxOfTest(name).join(',')}`;
    const form = () => {
      const f = new FormData();
      f.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
      return f;
    };
    close(await score(await fetch(`${url}/predict${query}`, { method: 'POST', body: form() })), crops.get(name));
    close(await score(await fetch(`${url}/predict${query}`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes })), crops.get(name));
    const withField = form();
    withField.append('box', boxOfTest(name).join(','));
    close(await score(await fetch(`${url}/predict`, { method: 'POST', body: withField })), crops.get(name));
  });

  it('answers 400 naming the problem for a bad box, and keeps serving', async () => {
    const error = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: string }).error;
    };
    expect(await error(await post({ path: 'testset/test_00001.jpg', box: [1, 2, 3] }))).toContain('box must be 4 numbers [x1, y1, x2, y2]');
    expect(await error(await post({ path: 'testset/test_00001.jpg', box: [20, 2, 10, 30] }))).toBe('box: x2 must be greater than x1, got x1=20 x2=10');
    expect(await error(await post({ path: 'testset/test_00001.jpg', box: [40, 40, 50, 50] }))).toBe('testset/test_00001.jpg: box [40, 40, 50, 50] lies outside the 32x32 image');
    const bytes = readFileSync(testImage('test_00001.jpg'));
    expect(await error(await fetch(`${url}/predict?box=1,2,x,4`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: bytes }))).toContain("got '1,2,x,4'");
    expect(await error(await post({ path: 'testset/test_00001.jpg', box: [1, 1, 20, 20] }, '?box=1,1,20,20'))).toContain('give the box once');
    close(await score(await post({ path: 'testset/test_00002.jpg', box: boxOfTest('test_00002.jpg') })), crops.get('test_00002.jpg'));
  });

  it('batches concurrent requests with and without boxes, each scored with its own', async () => {
    const before = (await (await fetch(`${url}/health`)).json()) as { items: number; batches: number };
    const names = [...crops.keys()];
    const got = await Promise.all(
      names.flatMap((name) => [post({ path: `testset/${name}`, box: name === OUTSIDE ? undefined : testBoxes.get(name) }).then(score), post({ path: `testset/${name}` }).then(score)]),
    );
    names.forEach((name, i) => {
      close(got[2 * i], crops.get(name));
      close(got[2 * i + 1], whole.get(name));
    });
    const after = (await (await fetch(`${url}/health`)).json()) as { items: number; batches: number };
    expect(after.items - before.items).toBe(2 * names.length);
    expect(after.batches - before.batches).toBeLessThan(2 * names.length);
  });
});
