import { Option, type Command } from 'commander';
import { action } from '../cli-error-sink';

interface ReproduceCommandOptions {
  allowDataChange?: boolean;
  tolerance?: string;
  engine?: 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
  runsDir: string;
  quiet?: boolean;
  jsonl?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('reproduce')
    .description("replay a run's resolved config on the same data, record the new run linked to it, and judge the metrics")
    .argument('<run>', 'run id (or a unique prefix of it)')
    .option('--allow-data-change', "run even if the data's manifest differs from the one the run recorded")
    .option('--tolerance <x>', 'largest |difference| of AUC and TPR@1e-3 accepted (default: 0 on the same bit-deterministic engine, else 0.02)')
    .addOption(new Option('--engine <engine>', 'replay on another engine (the config hash then differs)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--runs-dir <dir>', 'where run folders go', 'runs')
    .option('--quiet', 'no progress bars or run summary')
    .option('--jsonl <file>', 'append every training event as a JSON line to this file')
    .option('--json', 'also print the verdict as one JSON object, last line of stdout')
    .addHelpText('after', '\nExit code: 0 when reproduced (bit-equal or within the tolerance), 1 when not.')
    .action(
      action(async (run: string, opts: ReproduceCommandOptions) => {
        const { UserError } = await import('@dfl/core');
        const tolerance = opts.tolerance === undefined ? undefined : Number(opts.tolerance);
        if (tolerance !== undefined && !(tolerance >= 0)) throw new UserError(`--tolerance must be a number >= 0, got '${opts.tolerance}'`);
        const path = await import('node:path');
        const { reproduceRun } = await import('../reproduce/reproduce-run');
        const { formatVerdict } = await import('../reproduce/verdict');
        const { formatRunSummary } = await import('../run/run-summary');
        const { RunFailed } = await import('../run/run-experiment');
        try {
          const report = await reproduceRun(run, { allowDataChange: opts.allowDataChange, tolerance, engine: opts.engine, runsRoot: path.resolve(opts.runsDir), quiet: opts.quiet, jsonl: opts.jsonl ?? null });
          if (!opts.quiet) process.stderr.write(formatRunSummary(report.outcome));
          process.stdout.write(formatVerdict(report.verdict, { original: report.original.id, reproduction: report.outcome.runId }));
          process.stdout.write(`new run ${report.outcome.runId} (reproduces ${report.original.id}); compare: dfl diff ${report.original.id.slice(0, 8)} ${report.outcome.runId.slice(0, 8)}\n`);
          if (opts.json) process.stdout.write(JSON.stringify({ originalRun: report.original.id, reproductionRun: report.outcome.runId, engine: report.outcome.engine.engine, warnings: report.warnings, ...report.verdict }) + '\n');
          if (report.verdict.outcome === 'differs') process.exitCode = 1;
        } catch (err) {
          if (err instanceof RunFailed && !opts.quiet) process.stderr.write(formatRunSummary(err.outcome));
          throw err;
        }
      }),
    );
}
