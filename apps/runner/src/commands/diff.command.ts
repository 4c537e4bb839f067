import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('diff')
    .description('compare two runs: their configs path by path, provenance, and metrics')
    .argument('<run-a>', 'run id (or a unique prefix of it)')
    .argument('<run-b>', 'run id (or a unique prefix of it)')
    .option('--json', 'print the difference as JSON')
    .action(
      action(async (a: string, b: string, opts: { json?: boolean }) => {
        const { diffRunsCommand } = await import('../reproduce/diff-runs');
        await diffRunsCommand(a, b, opts);
      }),
    );
}
