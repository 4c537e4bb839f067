import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { redactUrl, resolveDatabaseUrl } from '@dfl/db';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The leaderboard's entry point. Apps never import each other: the CLI runs the service as a child process. */
const LEADERBOARD_MAIN = path.join(REPO_ROOT, 'apps', 'leaderboard', 'src', 'main.ts');

export interface BoardOptions {
  port: number;
  host: string;
}

/**
 * `dfl board`: resolves the database (starting the embedded PostgreSQL if needed), runs the leaderboard service
 * on it in a child process, prints its URL and stays in the foreground until Ctrl-C (or the service exits).
 */
export async function startBoard(options: BoardOptions): Promise<void> {
  const databaseUrl = await resolveDatabaseUrl();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', LEADERBOARD_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(options.port),
      HOST: options.host,
      SWC_NODE_PROJECT: process.env.SWC_NODE_PROJECT ?? path.join(REPO_ROOT, 'tsconfig.base.json'),
    },
  });
  child.on('message', (m: { type?: string; url?: string }) => {
    if (m?.type !== 'listening') return;
    const writes = process.env.LEADERBOARD_TOKEN ? 'writes need LEADERBOARD_TOKEN' : 'read-only: set LEADERBOARD_TOKEN to allow writes';
    process.stdout.write(
      `leaderboard: ${m.url}/\n  API ${m.url}/api/runs, docs ${m.url}/api/docs; ${writes}\n  database ${redactUrl(databaseUrl)}\n  Ctrl-C stops it\n`,
    );
  });
  // Ctrl-C reaches both processes (same process group); the child shuts down by itself and we wait for it.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 0 : 1)));
  });
  process.removeListener('SIGINT', onInt);
  process.removeListener('SIGTERM', onTerm);
  if (code !== 0) throw new UserError(`the leaderboard stopped with exit code ${code}`, code);
}
