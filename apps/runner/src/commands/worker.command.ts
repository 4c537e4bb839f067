import { Command } from 'commander';
import { action } from '../cli-error-sink';

const num = (value: string) => Number(value);

export function register(program: Command): void {
  program
    .command('worker')
    .description('run queued runs (dfl submit) from the database in DATABASE_URL until stopped (Ctrl-C / SIGTERM)')
    .option('--concurrency <n>', 'runs at a time in this process', num, 1)
    .option('--runs-dir <dir>', 'where run folders go (default DFL_RUNS_DIR, else ./runs)')
    .option('--poll <seconds>', 'seconds between queue polls when idle (>= 0.5)', num, 2)
    .option('--liveness <seconds>', 'seconds between checks for runs held by dead workers', num, 10)
    .option('--jsonl', 'write each run\'s events to <runs-dir>/<run-id>.events.jsonl')
    .action(
      action(async (opts: { concurrency: number; runsDir?: string; poll: number; liveness: number; jsonl?: boolean }) => {
        const { runWorker } = await import('../queue/run-worker');
        await runWorker(opts);
      }),
    );
}
