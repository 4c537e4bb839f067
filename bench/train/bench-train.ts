/**
 * bench:train: the demo experiment end to end, as a user runs it (`dfl run experiments/demo.yaml`), on a
 * throwaway embedded PostgreSQL; prints time per epoch and images/s split into data time (waiting for the loader)
 * and step time (forward + backward + update), from the run's own JSON-lines events.
 *   npm run bench:train -- [--engine auto|native|wasm|cpu] [--epochs N] [--set key=value ...]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset } from '@dfl/data';
import { startTestDatabase } from '@dfl/db';

const ROOT = path.join(__dirname, '..', '..');
const DFL = path.join(ROOT, 'apps', 'runner', 'bin', 'dfl.js');

interface EpochEvent {
  type: 'epoch';
  epoch: number;
  seconds: number;
  dataSeconds: number;
  stepSeconds: number;
  imgPerSec: number;
  valAuc: number;
  trainLoss: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const engine = arg('engine', 'auto');
  const epochs = arg('epochs', '3');
  const sets = process.argv.flatMap((a, i) => (a === '--set' ? ['--set', process.argv[i + 1]] : []));
  const data = path.join(ROOT, 'data', 'demo');
  if (!existsSync(path.join(data, 'val_label.txt'))) await generateDemoDataset({ dir: data, quiet: true });
  const db = await startTestDatabase();
  const work = mkdtempSync(path.join(tmpdir(), 'dfl-bench-train-'));
  const log = path.join(work, 'events.jsonl');
  try {
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [DFL, 'run', path.join(ROOT, 'experiments', 'demo.yaml'), '--engine', engine, '--set', `train.epochs=${epochs}`, ...sets, '--quiet', '--jsonl', log, '--runs-dir', path.join(work, 'runs')],
        { env: { ...process.env, DATABASE_URL: db.url }, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      child.on('exit', resolve);
    });
    const wall = (Date.now() - started) / 1000;
    if (code !== 0) throw new Error(`dfl run exited with ${code}`);
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
    const start = events.find((e) => e.type === 'start') as unknown as { engine: string; backend: string; trainImages: number; valImages: number };
    const perEpoch = events.filter((e) => e.type === 'epoch') as unknown as EpochEvent[];
    console.log(`bench:train  demo experiment, engine ${start.engine}/${start.backend}, ${start.trainImages} train / ${start.valImages} val images, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
    console.log('epoch  seconds  train img/s  data s  step s  val+ckpt s  val AUC');
    for (const e of perEpoch) {
      const other = e.seconds - e.dataSeconds - e.stepSeconds;
      console.log(`${String(e.epoch + 1).padEnd(5)}  ${e.seconds.toFixed(1).padStart(7)}  ${e.imgPerSec.toFixed(1).padStart(11)}  ${e.dataSeconds.toFixed(1).padStart(6)}  ${e.stepSeconds.toFixed(1).padStart(6)}  ${other.toFixed(1).padStart(10)}  ${e.valAuc.toFixed(4)}`);
    }
    const sum = (k: keyof EpochEvent) => perEpoch.reduce((a, e) => a + (e[k] as number), 0);
    const steady = perEpoch.length > 1 ? perEpoch.slice(1) : perEpoch;
    const steadyImgS = steady.reduce((a, e) => a + e.imgPerSec, 0) / steady.length;
    console.log(`total: ${wall.toFixed(1)} s wall (incl. start-up and final evaluation); epochs ${sum('seconds').toFixed(1)} s = data ${sum('dataSeconds').toFixed(1)} s + step ${sum('stepSeconds').toFixed(1)} s + validation/checkpoints; steady train ${steadyImgS.toFixed(1)} img/s`);
  } finally {
    await db.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
