import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('backbones')
    .description('list the backbone zoo: trainable parameters (with the head), input size, mean/std, interpolation')
    .option('--json', 'print JSON (name, params, input config, counterpart, option defaults)')
    .option('--num-classes <n>', 'size of the classifier head the parameters are counted with', '2')
    .action(
      action(async (opts: { json?: boolean; numClasses: string }) => {
        const { UserError } = await import('@dfl/core');
        const numClasses = Number(opts.numClasses);
        if (!Number.isInteger(numClasses) || numClasses < 1) {
          throw new UserError(`--num-classes must be a positive integer, got '${opts.numClasses}'`);
        }
        const { describeBackbones, formatBackbonesTable, selectEngine } = await import('@dfl/models');
        await selectEngine('cpu'); // structure-only builds: no arithmetic, the backend does not matter (and no banner)
        const rows = describeBackbones(numClasses);
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatBackbonesTable(rows));
      }),
    );
}
