import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('show-run')
    .description('show one run: status, metrics, per-epoch curve, provenance and artefacts')
    .argument('<id>', 'run id (or a unique prefix of it)')
    .option('--json', 'print the whole record as JSON')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const { showRunCommand } = await import('../runs/show-run');
        await showRunCommand(id, opts);
      }),
    );
}
