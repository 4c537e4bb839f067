import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('show')
    .description('print an experiment fully resolved (extends, overrides and defaults applied) as YAML')
    .argument('<file>', 'experiment YAML file')
    .option('--set <key=value>', 'override a field, e.g. --set train.epochs=3 (repeatable)', collect, [] as string[])
    .option('--json', 'print the canonical JSON (what a run stores and hashes) instead')
    .action(
      action(async (file: string, opts: { set: string[]; json?: boolean }) => {
        const { showExperiment } = await import('../config/show-experiment');
        showExperiment(file, opts.set, opts.json === true);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
