import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';

/** How a command file plugs itself into the CLI. Keep its top-level imports light: `dfl --help` loads every one. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Builds the `dfl` program. Every `commands/*.command.ts` file is one command (shadcn-ui's CLI layout), so adding a
 * command is adding a file. Heavy dependencies (tfjs, NestJS, PostgreSQL) are imported inside each action.
 */
export function buildProgram(): Command {
  const program = new Command('dfl')
    .description('Deepfake Lab: declarative deepfake-detection experiments')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  const dir = path.join(__dirname, 'commands');
  const files = readdirSync(dir).filter((f) => /\.command\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
  for (const file of files.sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as CommandModule;
    mod.register(program);
  }
  return program;
}
