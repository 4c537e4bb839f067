import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of experiment files (with every registered plug-in and its options), for editors')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action(
      action(async (opts: { out?: string }) => {
        const { writeExperimentSchema } = await import('../config/write-schema');
        await writeExperimentSchema(opts.out);
      }),
    );
}
