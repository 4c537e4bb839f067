import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateDemoDataset } from '@dfl/data';
import { RunRepository, startTestDatabase, type TestDatabase } from '@dfl/db';
import { startDfl } from './support/run-cli';
import { writeResumableExperiment } from './support/resumable-experiment';

// `dfl run --resume` as a user meets it: a run killed with SIGKILL part-way (a crash, a pre-empted machine) goes on
// from its last checkpoint and ends exactly where a run that never stopped ends. Tiny network, 32 px demo images.
jest.setTimeout(300_000);

let db: TestDatabase;
let work: string;
let experiment: string;

const start = (args: string[]) => startDfl(args, { cwd: work, env: { DATABASE_URL: db.url } });
const dfl = (args: string[]) => start(args).done;
const repo = () => new RunRepository(db.dataSource);
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

beforeAll(async () => {
  db = await startTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'dfl-resume-e2e-'));
  await generateDemoDataset({ dir: path.join(work, 'demo'), n: 48, size: 32, seed: 5, quiet: true });
  experiment = writeResumableExperiment(work);
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dfl run --resume', () => {
  it('goes on with a run killed part-way and ends bit-equal to a run that never stopped', async () => {
    const whole = await dfl(['run', experiment, '--quiet', '--runs-dir', 'runs']);
    expect(whole.stderr).toBe('');
    const wholeId = whole.stdout.trim();

    // The same experiment, killed with SIGKILL once its first last-checkpoint exists.
    const log = path.join(work, 'killed.jsonl');
    const killed = start(['run', experiment, '--quiet', '--runs-dir', 'runs', '--jsonl', log]);
    let runId = '';
    for (const deadline = Date.now() + 240_000; ; ) {
      if (!runId && existsSync(log)) runId = (JSON.parse(lines(log)[0]) as { runId: string }).runId;
      if (runId && existsSync(path.join(work, 'runs', runId, 'checkpoints', 'last', 'meta.json'))) break;
      if (Date.now() > deadline) throw new Error('the run never wrote a checkpoint');
      await sleep(20);
    }
    killed.child.kill('SIGKILL');
    await killed.done;
    const kept = JSON.parse(readFileSync(path.join(work, 'runs', runId, 'checkpoints', 'last', 'meta.json'), 'utf8')) as { epoch: number };
    expect(kept.epoch).toBeLessThan(5); // killed before the end, or this test proves nothing

    const resumed = await dfl(['run', '--resume', runId.slice(0, 8), '--runs-dir', 'runs']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe(runId);
    expect(resumed.stderr).toContain(`resuming from the checkpoint of epoch ${kept.epoch + 1}/6`);

    const [a, b] = [await repo().getRun(wholeId, { epochs: true }), await repo().getRun(runId, { epochs: true })];
    expect(b).toMatchObject({ status: 'finished', error: null, epochsDone: 6 });
    expect(b!.epochs!.map((e) => e.epoch).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b!.epochs!.map((e) => e.valAuc)).toEqual(a!.epochs!.map((e) => e.valAuc));
    expect(b!.auc).toBe(a!.auc);
    const predictions = (id: string) => readFileSync(path.join(work, 'runs', id, 'val_predictions.csv'), 'utf8');
    expect(predictions(runId)).toBe(predictions(wholeId));
    expect(lines(path.join(work, 'runs', runId, 'epochs.jsonl')).map((l) => (JSON.parse(l) as { epoch: number }).epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    // the run's own event log keeps both attempts
    const starts = lines(path.join(work, 'runs', runId, 'events.jsonl')).filter((l) => l.includes('"type":"start"'));
    expect(starts).toHaveLength(2);
    expect(starts[1]).toContain(`"resumedAfterEpoch":${kept.epoch}`);
  });

  it('refuses a finished run, a run id with an experiment file, and an unknown run, saying why', async () => {
    const finished = await repo().createRun({ name: 'done', resolvedConfig: {}, configHash: 'h' });
    await repo().finishRun(finished.id, { auc: 0.9, tprAt1e3: 0.1, tprNegatives: 10 });
    const again = await dfl(['run', '--resume', finished.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${finished.id} cannot be resumed: it has finished`);
    const both = await dfl(['run', experiment, '--resume', finished.id]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give no experiment file');
    const unknown = await dfl(['run', '--resume', 'abcdef12']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no run 'abcdef12'");
    const neither = await dfl(['run']);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('missing the experiment file');
  });
});
