import { Command } from 'commander';
import { action } from '../cli-error-sink';

const collect = (value: string, previous: string[]) => [...previous, value];
const int = (value: string) => Number(value);

export function register(program: Command): void {
  program
    .command('submit')
    .description('enqueue an experiment (or, with --sweep, every run of its sweep: block) for `dfl worker`s to run')
    .argument('<file>', 'experiment YAML')
    .option('--sweep', 'enqueue every run of the file\'s sweep: block (all are validated first; nothing is enqueued if one is invalid)')
    .option('--set <key=value>', 'override a config field in every run (repeatable), e.g. --set train.epochs=3', collect, [])
    .option('--retries <n>', 'times the queue retries a run that failed or whose worker died', int, 1)
    .option('--timeout <seconds>', 'a run still active after this long is failed (and retried) by the queue', int, 12 * 3600)
    .option('--retry-delay <seconds>', 'seconds before a retry starts', int, 0)
    .option('--dry-run', 'validate every run and list them; enqueue nothing (no database needed)')
    .option('--json', 'print the queued runs as JSON')
    .action(
      action(async (file: string, opts: { sweep?: boolean; set: string[]; retries: number; timeout: number; retryDelay: number; dryRun?: boolean; json?: boolean }) => {
        const { plan, submitExperiment } = await import('../queue/submit');
        if (opts.dryRun) {
          const runs = plan({ file, sweep: opts.sweep, overrides: opts.set });
          for (const r of runs) process.stdout.write(`${r.resolution.hash.slice(0, 12)}  ${r.resolution.config.name}\n`);
          process.stderr.write(`${runs.length} run(s) valid; nothing enqueued (--dry-run)\n`);
          return;
        }
        const result = await submitExperiment({ file, sweep: opts.sweep, overrides: opts.set, retries: opts.retries, timeoutSeconds: opts.timeout, retryDelaySeconds: opts.retryDelay });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        for (const run of result.runs) process.stdout.write(`${run.id}  queued  ${run.name}\n`);
        process.stderr.write(`${result.runs.length} run(s) queued${result.sweepId ? ` as sweep ${result.sweepId}` : ''}; start workers with: dfl worker\n`);
      }),
    );
}
