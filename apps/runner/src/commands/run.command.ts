import { Command, Option } from 'commander';
import { action } from '../cli-error-sink';

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('run')
    .description('train and evaluate an experiment, recording the run in PostgreSQL')
    .argument('[file]', 'experiment YAML (not with --resume)')
    .option('--resume <run-id>', 'go on with an interrupted or failed run from its last checkpoint (same config, same data)')
    .option('--set <key=value>', 'override a config field (repeatable), e.g. --set train.epochs=3', collect, [])
    .addOption(new Option('--engine <engine>', 'TensorFlow.js engine (overrides the YAML)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--quiet', 'no progress bars or summary, only errors')
    .option('--jsonl <file>', "append every event as a JSON line to this file ('-' for stdout)")
    .option('--runs-dir <dir>', 'where run folders go', 'runs')
    .action(
      action(async (file: string | undefined, opts: { set: string[]; engine?: string; quiet?: boolean; jsonl?: string; runsDir: string; resume?: string }) => {
        const { runExperiment, RunFailed } = await import('../run/run-experiment');
        const { UserError } = await import('@dfl/core');
        if (opts.resume && (file || opts.set.length > 0 || opts.engine)) {
          throw new UserError('--resume continues a run with its stored config: give no experiment file, --set or --engine with it');
        }
        if (!opts.resume && !file) throw new UserError("missing the experiment file: dfl run <file> (or dfl run --resume <run-id>)");
        const resume = opts.resume ? await (await import('../run/resume-point')).findResumePoint(opts.resume) : undefined;
        const { formatRunSummary } = await import('../run/run-summary');
        const path = await import('node:path');
        const overrides = [...opts.set, ...(opts.engine ? [`engine=${opts.engine}`] : [])];
        try {
          const outcome = await runExperiment({ file, resume, overrides, quiet: opts.quiet, jsonl: opts.jsonl ?? null, runsRoot: path.resolve(opts.runsDir) });
          if (!opts.quiet) process.stderr.write(formatRunSummary(outcome));
          if (opts.jsonl !== '-') process.stdout.write(`${outcome.runId}\n`);
        } catch (err) {
          if (err instanceof RunFailed && !opts.quiet) process.stderr.write(formatRunSummary(err.outcome));
          throw err;
        }
      }),
    );
}
