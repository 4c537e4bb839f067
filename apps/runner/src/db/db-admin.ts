import { UserError } from '@dfl/core';
import {
  connectDatabase,
  createDataSource,
  embeddedPostgresStatus,
  migrationStatus,
  redactUrl,
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
} from '@dfl/db';

/** `dfl db status`: never starts anything. */
export async function databaseStatus(): Promise<string> {
  const external = process.env.DATABASE_URL;
  const lines: string[] = [];
  let url: string | null;
  if (external) {
    url = external;
    lines.push(`database: DATABASE_URL ${redactUrl(external)}`);
  } else {
    const s = await embeddedPostgresStatus();
    url = s.url;
    lines.push(
      `database: embedded PostgreSQL in ${s.dataDir}`,
      !s.initialised ? 'state: not created yet (the next dfl command that needs it creates and starts it)' : s.running ? `state: running on 127.0.0.1:${s.port} (pid ${s.pid})` : 'state: stopped (started on demand, or: dfl db start)',
    );
    if (s.url) lines.push(`url: ${redactUrl(s.url)}`, `log: ${s.logFile}`);
  }
  if (url) {
    const ds = createDataSource({ url, poolSize: 1 });
    try {
      await ds.initialize();
      const { applied, pending } = await migrationStatus(ds);
      lines.push(`schema: ${applied.length} migration(s) applied${pending.length ? `, pending: ${pending.join(', ')}` : ', none pending'}`);
      if (applied.length > 0) {
        const [{ runs, running }] = await ds.query(`SELECT count(*)::int AS runs, count(*) FILTER (WHERE status = 'running')::int AS running FROM runs`);
        lines.push(`runs: ${runs} (${running} running)`);
      }
    } catch (err) {
      lines.push(`connection: failed: ${(err as Error).message}`);
    } finally {
      if (ds.isInitialized) await ds.destroy();
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function startDatabase(): Promise<string> {
  if (process.env.DATABASE_URL) throw new UserError('DATABASE_URL is set: dfl uses that server and does not start its own');
  const server = await startEmbeddedPostgres({ log: (m) => process.stderr.write(`${m}\n`) });
  const ds = await connectDatabase({ url: server.url, poolSize: 1 });
  await ds.destroy();
  return `${server.startedNow ? 'started' : 'already running'}: ${redactUrl(server.url)} (pid ${server.pid}, data ${server.dataDir})\n`;
}

export async function stopDatabase(): Promise<string> {
  if (process.env.DATABASE_URL) throw new UserError('DATABASE_URL is set: dfl does not manage that server');
  return (await stopEmbeddedPostgres()) ? 'stopped\n' : 'not running\n';
}

export async function migrateDatabase(): Promise<string> {
  const ds = await connectDatabase({ migrate: false, poolSize: 1 });
  try {
    const { migrate } = await import('@dfl/db');
    const applied = await migrate(ds);
    const { applied: all } = await migrationStatus(ds);
    return applied.length ? `applied: ${applied.join(', ')}\n` : `up to date (${all.length} migration(s))\n`;
  } finally {
    await ds.destroy();
  }
}
