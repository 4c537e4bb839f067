import { Command, Option } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('runs')
    .description('list runs ranked by AUC (ties: TPR@FPR=1e-3, then earlier finish)')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(['queued', 'running', 'finished', 'failed', 'interrupted']))
    .option('--backbone <name>', 'only runs of this backbone')
    .option('--tag <tag>', 'only runs with this tag')
    .option('--dataset <name-or-hash>', 'only runs on this dataset')
    .option('-q, --query <text>', 'name contains this text')
    .option('--limit <n>', 'rows to show', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON instead of a table')
    .action(
      action(async (opts: { status?: string; backbone?: string; tag?: string; dataset?: string; query?: string; limit: number; json?: boolean }) => {
        const { listRunsCommand } = await import('../runs/list-runs');
        await listRunsCommand(opts);
      }),
    );
}
