import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Run } from '@dfl/db';
import type { ExperimentResolution } from '@dfl/experiment';
import type { RunJobData } from './queue-config';
import { planRetry } from './retry-plan';

// What a retry decides from the stopped attempt's folder, on folders made here (the e2e test trains for real).
const HASH = 'c0ffee'.repeat(10);
const job: RunJobData = { runId: 'queued-run', sweepId: null, sweepIndex: null, label: null, file: 'q.yaml', configJson: '{}', configHash: HASH, datasetHash: 'd' };
const resolution = { hash: HASH } as ExperimentResolution;
let root: string;

beforeAll(() => (root = mkdtempSync(path.join(tmpdir(), 'dfl-retry-plan-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stopped attempt whose folder holds a complete last checkpoint of `epoch` and epoch lines 0..`linesThrough`. */
function stoppedAttempt(id: string, o: { epoch?: number; linesThrough?: number; configHash?: string; status?: Run['status'] } = {}): Run {
  const runDir = path.join(root, id);
  const epoch = o.epoch ?? 1;
  for (const which of ['last', 'best']) mkdirSync(path.join(runDir, 'checkpoints', which, 'model'), { recursive: true });
  writeFileSync(path.join(runDir, 'checkpoints', 'last', 'meta.json'), JSON.stringify({ epoch, configHash: o.configHash ?? HASH }));
  writeFileSync(path.join(runDir, 'checkpoints', 'last', 'optimizer.safetensors'), '');
  const lines = Array.from({ length: (o.linesThrough ?? epoch) + 1 }, (_, e) => JSON.stringify({ epoch: e, valAuc: 0.5, valTpr: 0, valEer: 0.5, valAp: 0.5, valLoss: 0.7 }));
  writeFileSync(path.join(runDir, 'epochs.jsonl'), lines.join('\n') + '\n');
  return Object.assign(new Run(), { id, status: o.status ?? 'interrupted', error: 'worker w1 is gone (killed or crashed)', runDir, configHash: HASH });
}

describe('planRetry', () => {
  it('goes on from the last checkpoint, keeping only the epochs up to it', async () => {
    // killed after recording epoch 3 but before its checkpoint: epoch 3 is trained again
    const plan = await planRetry(job, stoppedAttempt('a1', { epoch: 1, linesThrough: 2 }), resolution);
    expect(plan.continueFrom).toMatchObject({ lastEpoch: 1, resolution });
    expect(plan.continueFrom!.epochs.map((l) => l.epoch)).toEqual([0, 1]);
    expect(plan.event).toEqual({
      retryOf: 'queued-run',
      previousAttempt: 'a1',
      resumedAfterEpoch: 1,
      reason: 'attempt a1 ended interrupted: worker w1 is gone (killed or crashed)',
    });
  });

  it('goes on from a failed attempt too', async () => {
    expect((await planRetry(job, stoppedAttempt('f1', { status: 'failed', epoch: 0 }), resolution)).continueFrom?.lastEpoch).toBe(0);
  });

  it('starts over, saying why, when the checkpoint is missing, incomplete, of another config, unreadable or elsewhere', async () => {
    const reasonFor = async (run: Run) => {
      const plan = await planRetry(job, run, resolution);
      expect(plan.continueFrom).toBeNull();
      expect(plan.event.resumedAfterEpoch).toBeNull();
      return plan.event.reason;
    };
    const noCheckpoint = stoppedAttempt('n1');
    rmSync(path.join(noCheckpoint.runDir!, 'checkpoints'), { recursive: true });
    expect(await reasonFor(noCheckpoint)).toMatch(/^attempt n1 cannot be resumed: it stopped before its first epoch ended, so it has no checkpoint/);

    const noMoments = stoppedAttempt('m1');
    rmSync(path.join(noMoments.runDir!, 'checkpoints', 'last', 'optimizer.safetensors'));
    expect(await reasonFor(noMoments)).toContain(`its checkpoints lack ${path.join(noMoments.runDir!, 'checkpoints', 'last', 'optimizer.safetensors')}`);

    const noBest = stoppedAttempt('b1');
    rmSync(path.join(noBest.runDir!, 'checkpoints', 'best'), { recursive: true });
    expect(await reasonFor(noBest)).toContain('its checkpoints lack');

    expect(await reasonFor(stoppedAttempt('h1', { configHash: 'beef'.repeat(16) }))).toContain(`belongs to config beefbeefbeef, the run recorded ${HASH.slice(0, 12)}`);

    const torn = stoppedAttempt('t1');
    writeFileSync(path.join(torn.runDir!, 'checkpoints', 'last', 'meta.json'), '{"epoch": 1, "config');
    expect(await reasonFor(torn)).toMatch(/^attempt t1 cannot be resumed: .*JSON/);

    const shortLog = stoppedAttempt('s1', { epoch: 2, linesThrough: 0 });
    expect(await reasonFor(shortLog)).toContain('does not hold epochs 1..3 of its last checkpoint');

    const elsewhere = Object.assign(stoppedAttempt('e1'), { runDir: '/srv/other-machine/runs/e1' });
    expect(await reasonFor(elsewhere)).toBe('attempt e1 cannot be resumed: its folder /srv/other-machine/runs/e1 is not on this machine');

    expect(await reasonFor(stoppedAttempt('r1', { status: 'running' }))).toContain('it is running');
  });
});
