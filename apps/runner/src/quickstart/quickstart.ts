import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { generateDemoDataset } from '@dfl/data';
import { runExperiment } from '../run/run-experiment';
import { formatRunSummary } from '../run/run-summary';
import { listRunsCommand } from '../runs/list-runs';

export interface QuickstartOptions {
  /** The repository root (experiments/ and data/ live there). */
  readonly root: string;
  readonly board: boolean;
  readonly port: number;
  readonly set: readonly string[];
}

/**
 * The README's main job: demo data (once), the demo experiment on the default database (embedded PostgreSQL
 * unless DATABASE_URL is set), the ranked runs, then the leaderboard showing them.
 */
export async function quickstart(o: QuickstartOptions): Promise<void> {
  const dataDir = path.join(o.root, 'data', 'demo');
  if (!existsSync(path.join(dataDir, 'val_label.txt'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      process.stderr.write(`quickstart: ${dataDir} exists but is incomplete; remove it to regenerate\n`);
    }
    process.stderr.write(`quickstart: writing the demo dataset to ${dataDir}\n`);
    await generateDemoDataset({ dir: dataDir });
  } else {
    process.stderr.write(`quickstart: using the demo dataset in ${dataDir}\n`);
  }
  const outcome = await runExperiment({ file: path.join(o.root, 'experiments', 'demo.yaml'), overrides: o.set, runsRoot: path.join(o.root, 'runs') });
  process.stderr.write(formatRunSummary(outcome));
  process.stdout.write('\n');
  await listRunsCommand({ limit: 10 });
  if (!o.board) return;
  process.stderr.write(`\nquickstart: starting the leaderboard (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve, reject) => {
    const bin = path.join(__dirname, '..', '..', 'bin', 'dfl.js');
    const child = spawn(process.execPath, [bin, 'board', '--port', String(o.port)], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', () => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve();
    });
  });
}
