import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { bossOptions, RUN_QUEUE } from './queue-config';

/** Starts pg-boss on the database (installing or migrating its schema if needed) and makes sure the run queue exists. */
export async function openQueue(url: string, options: { supervise?: boolean; pollingIntervalSeconds?: number; maintenanceIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    ...bossOptions(url),
    supervise: options.supervise ?? false,
    schedule: false,
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => process.stderr.write(`queue: ${err.message}\n`));
  await boss.start();
  // Two processes creating the queue at once: the loser's insert conflicts; the queue exists either way.
  if (!(await boss.getQueue(RUN_QUEUE))) await boss.createQueue(RUN_QUEUE).catch(async (err) => {
    if (!(await boss.getQueue(RUN_QUEUE))) throw err;
  });
  return boss;
}

/**
 * pg-boss's adapter over the connection of a TypeORM transaction, so its writes join the transaction. Uses the
 * transaction's own pg client (pg's result shape, which pg-boss reads), not TypeORM's reshaped query results.
 */
export async function bossDbIn(tx: EntityManager): Promise<PgBoss.Db> {
  if (!tx.queryRunner) throw new Error('bossDbIn needs the EntityManager of a transaction');
  const client = (await tx.queryRunner.connect()) as { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };
  return { executeSql: (text: string, values: unknown[]) => client.query(text, values ?? []) };
}
