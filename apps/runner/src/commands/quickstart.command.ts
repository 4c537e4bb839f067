import type { Command } from 'commander';
import { action } from '../cli-error-sink';

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('quickstart')
    .description('the main job: make the demo data, run experiments/demo.yaml on the embedded PostgreSQL, show the leaderboard')
    .option('--no-board', 'stop after the run and the ranked list (do not start the leaderboard)')
    .option('--port <port>', 'leaderboard port', '3000')
    .option('--set <key=value>', 'override a field of the demo experiment (repeatable)', collect, [])
    .action(
      action(async (opts: { board: boolean; port: string; set: string[] }) => {
        const path = await import('node:path');
        const { quickstart } = await import('../quickstart/quickstart');
        await quickstart({ root: path.resolve(__dirname, '..', '..', '..', '..'), board: opts.board, port: Number(opts.port), set: opts.set });
      }),
    );
}
