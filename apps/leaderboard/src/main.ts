import { createLeaderboardApp } from './app';

/**
 * `node -r @swc-node/register apps/leaderboard/src/main.ts` (what `dfl board` spawns). Environment: DATABASE_URL
 * (default: the embedded PostgreSQL), PORT (3000), HOST (127.0.0.1), LEADERBOARD_TOKEN (writes; none => read-only),
 * LEADERBOARD_COUNT_CACHE_MS (how long a list's total may be reused; default 1000, 0 = always count),
 * LEADERBOARD_LIST_CACHE (0: no caching of list pages until runs change; default on).
 * Every 15 s it marks runs of this host whose process is gone as interrupted.
 * Under `dfl board` (an IPC channel) it reports its URL to the parent, which prints it; alone it prints it itself.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const countCacheMs = Number(process.env.LEADERBOARD_COUNT_CACHE_MS ?? 1000);
  const listCache = process.env.LEADERBOARD_LIST_CACHE !== '0';
  const board = await createLeaderboardApp({ port, host: process.env.HOST ?? '127.0.0.1', countCacheMs, listCache, reapEveryMs: 15_000, logger: ['error', 'warn'] });
  if (process.send) process.send({ type: 'listening', url: board.url });
  else process.stdout.write(`leaderboard: ${board.url}/  (API ${board.url}/api/runs, docs ${board.url}/api/docs)\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    board.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the parent `dfl board` went away
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const message =
    e?.code === 'EADDRINUSE' ? `port ${process.env.PORT ?? 3000} is already in use: choose another (dfl board --port N)` : e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`leaderboard: ${message}\n`);
  process.exit(1);
});
