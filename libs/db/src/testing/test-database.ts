import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { connectDatabase } from '../data-source';
import { freePort, startEmbeddedPostgres, stopEmbeddedPostgres, stopEmbeddedPostgresSync } from '../embedded/embedded-postgres';

export interface TestDatabase {
  url: string;
  /** Migrated and connected. */
  dataSource: DataSource;
  /** Closes the DataSource, stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * A throwaway embedded PostgreSQL for one test file: its own temp folder, a free port, fsync off, schema migrated.
 * Never touches the workspace's server or any other PostgreSQL. Start it in beforeAll, stop it in afterAll.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const home = mkdtempSync(path.join(tmpdir(), 'dfl-test-pg-'));
  // mkdtemp makes the folder 0700; as root, the server runs as `postgres` and must reach its data dir.
  chmodSync(home, 0o755);
  // Safety net: a test file that crashes or forgets stop() must not leave a server running.
  const onExit = (): void => {
    stopEmbeddedPostgresSync({ home });
    rmSync(home, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  try {
    const server = await startEmbeddedPostgres({ home, port: await freePort(), ephemeral: true });
    const dataSource = await connectDatabase({ url: server.url });
    return {
      url: server.url,
      dataSource,
      async stop() {
        await dataSource.destroy().catch(() => undefined);
        await stopEmbeddedPostgres({ home });
        rmSync(home, { recursive: true, force: true });
        process.removeListener('exit', onExit);
      },
    };
  } catch (err) {
    await stopEmbeddedPostgres({ home }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    process.removeListener('exit', onExit);
    throw err;
  }
}

/** Empties every table (between tests sharing one database). */
export async function truncateAll(dataSource: DataSource): Promise<void> {
  await dataSource.query('TRUNCATE runs, run_epochs, promotions RESTART IDENTITY CASCADE');
}
