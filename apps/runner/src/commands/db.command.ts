import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('the PostgreSQL that records runs: embedded in <repo>/.dfl/postgres ($DFL_HOME), or $DATABASE_URL');

  db.command('status')
    .description('where the database is, whether it runs, its schema and how many runs it holds')
    .action(
      action(async () => {
        const { databaseStatus } = await import('../db/db-admin');
        process.stdout.write(await databaseStatus());
      }),
    );

  db.command('start')
    .description('start the embedded PostgreSQL (reused if it already runs) and bring its schema up to date')
    .action(
      action(async () => {
        const { startDatabase } = await import('../db/db-admin');
        process.stdout.write(await startDatabase());
      }),
    );

  db.command('stop')
    .description('stop the embedded PostgreSQL')
    .action(
      action(async () => {
        const { stopDatabase } = await import('../db/db-admin');
        process.stdout.write(await stopDatabase());
      }),
    );

  db.command('migrate')
    .description('apply pending migrations (they also run on every connect)')
    .action(
      action(async () => {
        const { migrateDatabase } = await import('../db/db-admin');
        process.stdout.write(await migrateDatabase());
      }),
    );

  db.command('url')
    .description('print the connection URL (starts the embedded server if needed), e.g. for psql "$(dfl db url)"')
    .action(
      action(async () => {
        const { resolveDatabaseUrl } = await import('@dfl/db');
        process.stdout.write(`${await resolveDatabaseUrl()}\n`);
      }),
    );
}
