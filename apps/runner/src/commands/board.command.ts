import { InvalidArgumentError, type Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('board')
    .description('start the leaderboard (web page and API) on the runs database and print its URL')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', parsePort, 3000)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(
      action(async (opts: { port: number; host: string }) => {
        const { startBoard } = await import('../board/start-board');
        await startBoard(opts);
      }),
    );
}

function parsePort(value: string): number {
  const port = Number(value);
  // commander reports InvalidArgumentError with the option's name.
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}
