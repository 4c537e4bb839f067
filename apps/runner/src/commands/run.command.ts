import { Command, Option } from 'commander';
import { action } from '../cli-error-sink';

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('run')
    .description('train and evaluate an experiment, recording the run in PostgreSQL')
    .argument('<file>', 'experiment YAML')
    .option('--set <key=value>', 'override a config field (repeatable), e.g. --set train.epochs=3', collect, [])
    .addOption(new Option('--engine <engine>', 'TensorFlow.js engine (overrides the YAML)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--quiet', 'no progress bars or summary, only errors')
    .option('--jsonl <file>', "append every event as a JSON line to this file ('-' for stdout)")
    .option('--runs-dir <dir>', 'where run folders go', 'runs')
    .action(
      action(async (file: string, opts: { set: string[]; engine?: string; quiet?: boolean; jsonl?: string; runsDir: string }) => {
        const { runExperiment, RunFailed } = await import('../run/run-experiment');
        const { formatRunSummary } = await import('../run/run-summary');
        const path = await import('node:path');
        const overrides = [...opts.set, ...(opts.engine ? [`engine=${opts.engine}`] : [])];
        try {
          const outcome = await runExperiment({ file, overrides, quiet: opts.quiet, jsonl: opts.jsonl ?? null, runsRoot: path.resolve(opts.runsDir) });
          if (!opts.quiet) process.stderr.write(formatRunSummary(outcome));
          if (opts.jsonl !== '-') process.stdout.write(`${outcome.runId}\n`);
        } catch (err) {
          if (err instanceof RunFailed && !opts.quiet) process.stderr.write(formatRunSummary(err.outcome));
          throw err;
        }
      }),
    );
}
