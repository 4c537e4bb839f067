import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startTestDatabase, RunRepository, type TestDatabase } from '@dfl/db';
import { generateDemoDataset } from '@dfl/data';
import { startDfl, type Exit } from './support/run-cli';

// `dfl run` as a user runs it (the real CLI in a child process), on a real embedded PostgreSQL and demo data made
// here: a tiny network on 32 px images so a run takes seconds on 2 cores.
jest.setTimeout(300_000);

let db: TestDatabase;
let work: string;
let data: string;

/** Waits until `file` contains `text`; fails at once, with the run's stderr, if the run ends first. */
async function waitFor(file: string, text: string, run: { exited: () => Exit | null }): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (!(existsSync(file) && readFileSync(file, 'utf8').includes(text))) {
    const exit = run.exited();
    if (exit) throw new Error(`the run ended (code ${exit.code}) before ${text} appeared:\n${exit.stderr}`);
    if (Date.now() > deadline) throw new Error(`${text} never appeared in ${file}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const start = (args: string[]) => startDfl(args, { cwd: work, env: { DATABASE_URL: db.url } });

const dfl = (args: string[]) => start(args).done;

function experiment(name: string, root: string, extra = ''): string {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
tags: [e2e]
data: { root: ${root}, image_size: 32 }
model: { backbone: tiny_cnn }
augment: [{ name: hflip, p: 0.5 }]
tta: { views: [{ name: identity }, { name: hflip }] }
train: { epochs: 2, batch_size: 16, optimizer: { name: adam, lr: 0.003 }, seed: 3 }
eval: { bootstrap: { n: 50 } }
${extra}`,
  );
  return file;
}

beforeAll(async () => {
  db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-run-e2e-'));
  data = path.join(work, 'demo');
  await generateDemoDataset({ dir: data, n: 48, size: 32, seed: 5, quiet: true });
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dfl run', () => {
  it('trains, evaluates and records a run with every field, and lists it ranked', async () => {
    const res = await dfl(['run', experiment('complete', data), '--quiet', '--jsonl', path.join(work, 'complete.jsonl')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const runId = res.stdout.trim();
    const run = await new RunRepository(db.dataSource).getRun(runId, { epochs: true });
    expect(run).not.toBeNull();
    if (!run) return;
    expect(run.status).toBe('finished');
    expect(run.name).toBe('complete');
    expect(run.tags).toEqual(['e2e']);
    expect(run.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.datasetName).toBe('demo');
    expect((run.resolvedConfig as { model: { backbone: string } }).model.backbone).toBe('tiny_cnn');
    expect(run.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof run.gitDirty).toBe('boolean');
    expect(['native', 'wasm', 'cpu', 'tensorflow']).toContain(run.engine);
    expect(run.backend).toBeTruthy();
    expect(run.packageVersions?.['@tensorflow/tfjs']).toBe('4.22.0');
    expect(run.host).toBeTruthy();
    expect(run.seed).toBe(3);
    expect(run.epochsDone).toBe(2);
    expect(run.epochs).toHaveLength(2);
    expect(run.auc).toBeGreaterThanOrEqual(0);
    expect(run.auc).toBeLessThanOrEqual(1);
    expect(run.aucCiLow).not.toBeNull();
    expect(run.tprNegatives).toBe(6); // the val split of n=48 is 12 images, half real
    expect(run.eer).not.toBeNull();
    expect(run.rocPoints?.length).toBeGreaterThan(1);
    expect(run.finishedAt).not.toBeNull();
    expect(run.durationS).toBeGreaterThan(0);
    // artefacts: every path recorded exists, the best checkpoint is complete, no temporary leftovers
    const dir = run.runDir as string;
    for (const rel of Object.values(run.artefacts ?? {})) expect(existsSync(path.join(dir, rel))).toBe(true);
    expect(existsSync(path.join(dir, 'checkpoints', 'best', 'model', 'model.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'checkpoints', 'last', 'optimizer.safetensors'))).toBe(true);
    expect(readdirSync(path.join(dir, 'checkpoints')).sort()).toEqual(['best', 'last']);
    const predictions = readFileSync(path.join(dir, 'val_predictions.csv'), 'utf8').trim().split('\n');
    expect(predictions[0]).toBe('img_name,y_pred');
    expect(predictions).toHaveLength(13);
    // the JSON-lines log: a start, a step per batch, an epoch line per epoch, a finish
    const events = readFileSync(path.join(work, 'complete.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events[0].type).toBe('start');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('finish');
    // the recorded metrics are the ones `dfl evaluate` computes from the saved predictions
    const evaluated = await dfl(['evaluate', '--predictions', path.join(dir, 'val_predictions.csv'), '--labels', path.join(data, 'val_label.txt'), '--json']);
    expect(evaluated.code).toBe(0);
    const metrics = JSON.parse(evaluated.stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
    expect(metrics.auc).toBeCloseTo(run.auc as number, 6);
    expect(metrics['tpr@fpr=1e-3']).toBeCloseTo(run.tprAt1e3 as number, 6);

    const listed = await dfl(['runs', '--json']);
    expect(listed.code).toBe(0);
    const ranked = JSON.parse(listed.stdout) as { runs: Array<{ id: string; rank: number }> };
    expect(ranked.runs.map((r) => r.id)).toContain(runId);
  });

  it('records a run that meets a corrupt image as failed, naming the file', async () => {
    const broken = path.join(work, 'broken');
    cpSync(data, broken, { recursive: true });
    const victim = readdirSync(path.join(broken, 'trainset')).sort()[3];
    const bytes = readFileSync(path.join(broken, 'trainset', victim));
    writeFileSync(path.join(broken, 'trainset', victim), bytes.subarray(0, 40)); // truncated JPEG
    const res = await dfl(['run', experiment('corrupt', broken), '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(victim);
    const page = await new RunRepository(db.dataSource).listRuns({ q: 'corrupt' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0].run.status).toBe('failed');
    expect(page.items[0].run.error).toContain(victim);
    // a failed run leaves no checkpoint that looks complete
    const ckpt = path.join(page.items[0].run.runDir as string, 'checkpoints');
    expect(existsSync(path.join(ckpt, 'best'))).toBe(false);
  });

  it('marks a run interrupted on SIGTERM mid-epoch', async () => {
    const log = path.join(work, 'sigterm.jsonl');
    const run = start(['run', experiment('sigterm', data, ''), '--set', 'train.epochs=50', '--set', 'train.batch_size=4', '--quiet', '--jsonl', log]);
    await waitFor(log, '"type":"step"', run);
    run.child.kill('SIGTERM');
    const res = await run.done;
    expect(res.code).toBe(130);
    const page = await new RunRepository(db.dataSource).listRuns({ q: 'sigterm' });
    expect(page.items[0].run.status).toBe('interrupted');
    expect(page.items[0].run.error).toContain('SIGTERM');
  });

  it('marks a run whose process was killed with SIGKILL interrupted at the next dfl command', async () => {
    const log = path.join(work, 'sigkill.jsonl');
    const run = start(['run', experiment('sigkill', data), '--set', 'train.epochs=50', '--quiet', '--jsonl', log]);
    await waitFor(log, '"type":"start"', run);
    run.child.kill('SIGKILL');
    await run.done;
    const before = await new RunRepository(db.dataSource).listRuns({ q: 'sigkill' });
    expect(before.items[0].run.status).toBe('running');
    const listed = await dfl(['runs', '--json', '--query', 'sigkill']);
    const rows = JSON.parse(listed.stdout) as { runs: Array<{ status: string }> };
    expect(rows.runs[0].status).toBe('interrupted');
  });

  it('lands two runs started in parallel', async () => {
    const [a, b] = await Promise.all([dfl(['run', experiment('para-a', data), '--quiet']), dfl(['run', experiment('para-b', data), '--quiet'])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const repo = new RunRepository(db.dataSource);
    for (const id of [a.stdout.trim(), b.stdout.trim()]) {
      expect((await repo.getRun(id))?.status).toBe('finished');
    }
  });

  it('refuses an invalid experiment before recording anything', async () => {
    const file = path.join(work, 'bad.yaml');
    writeFileSync(file, `data: { root: ${data} }\nmodel: { backbone: resnet19 }\ntrain: { epochz: 2 }\n`);
    const before = (await new RunRepository(db.dataSource).listRuns({})).total;
    const res = await dfl(['run', file, '--quiet']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/bad\.yaml:2:\d+ model\.backbone: unknown backbone 'resnet19'/);
    expect(res.stderr).toMatch(/bad\.yaml:3:\d+ train\.epochz: unknown key/);
    expect((await new RunRepository(db.dataSource).listRuns({})).total).toBe(before);
  });
});
