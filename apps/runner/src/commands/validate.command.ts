import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check experiment files: every error at once, as file:line:col field: message')
    .argument('<files...>', 'experiment YAML files')
    .option('--set <key=value>', 'override a field, e.g. --set train.epochs=3 (repeatable)', collect, [] as string[])
    .action(
      action(async (files: string[], opts: { set: string[] }) => {
        const { validateExperimentFiles } = await import('../config/validate-files');
        validateExperimentFiles(files, opts.set);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
