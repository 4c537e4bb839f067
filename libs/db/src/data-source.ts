import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Promotion } from './entities/promotion.entity';
import { RunEpoch } from './entities/run-epoch.entity';
import { Run } from './entities/run.entity';
import { startEmbeddedPostgres, type EmbeddedOptions } from './embedded/embedded-postgres';
import { MIGRATIONS } from './migrations';

export const ENTITIES = [Run, RunEpoch, Promotion];

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool (pg default 10). */
  poolSize?: number;
  logging?: boolean;
}

/**
 * The one DataSource definition both apps use. Not initialised; schema comes from the migrations only
 * (`synchronize` stays off: see {@link connectDatabase}).
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: options.logging ?? false,
    extra: { max: options.poolSize ?? 10, application_name: `dfl:${process.pid}` },
  });
}

export interface ConnectOptions extends Omit<DataSourceOptions, 'url'> {
  /** A PostgreSQL URL; default `DATABASE_URL`, else the embedded server (started if needed). */
  url?: string;
  /** Options for the embedded server when no URL is given. */
  embedded?: EmbeddedOptions;
  /** Apply pending migrations (default true; idempotent, serialised across processes). */
  migrate?: boolean;
}

/** Where dfl's database is: an explicit URL, `DATABASE_URL`, or the embedded server (started on demand). */
export async function resolveDatabaseUrl(options: Pick<ConnectOptions, 'url' | 'embedded'> = {}): Promise<string> {
  const explicit = options.url ?? process.env.DATABASE_URL;
  if (explicit && explicit.trim() !== '') return explicit;
  return (await startEmbeddedPostgres(options.embedded)).url;
}

/** Resolves the database, initialises a DataSource and brings the schema up to date. */
export async function connectDatabase(options: ConnectOptions = {}): Promise<DataSource> {
  const url = await resolveDatabaseUrl(options);
  const dataSource = createDataSource({ ...options, url });
  await dataSource.initialize();
  try {
    if (options.migrate ?? true) await migrate(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

// Any constant: the key of the advisory lock that serialises migrations between processes.
const MIGRATION_LOCK_KEY = 0x64666c; // "dfl"

/**
 * Applies pending migrations, each in its own transaction. TypeORM does not guard against two processes migrating
 * at once, so a session-level advisory lock makes the second wait and then find nothing left to do. The lock is
 * held on a connection of its own, outside the pool: with a pool of one, holding it on a pooled connection would
 * leave none for the migrations. Returns the names of the migrations applied now.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const lock = new Client({ connectionString: (dataSource.options as { url?: string }).url, application_name: `dfl-migrate:${process.pid}` });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    // Ending the session releases the lock too, even if the unlock is never sent.
    await lock.end().catch(() => undefined);
  }
}

/** Which migrations the database has and which it still lacks (names, oldest first). */
export async function migrationStatus(dataSource: DataSource): Promise<{ applied: string[]; pending: string[] }> {
  const table = await dataSource.query(`SELECT to_regclass('migrations') IS NOT NULL AS present`);
  const rows: Array<{ name: string }> = table[0].present ? await dataSource.query('SELECT name FROM migrations ORDER BY id') : [];
  const applied = rows.map((r) => r.name);
  const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  return { applied, pending: known.filter((n) => !applied.includes(n)) };
}
