import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/** First half of the advisory lock key every worker holds ("dflw"); the second is hashtext(worker id). */
const WORKER_LOCK_CLASS = 0x64666c77;

/**
 * A worker is alive while it holds a session advisory lock on its own connection. PostgreSQL releases the lock the
 * moment that connection ends, whatever ended it (kill -9, a crash, a closed laptop once TCP gives up), so any
 * process on any machine can ask "is worker X alive?" without a heartbeat table or clocks.
 */
export class WorkerLiveness {
  private client: Client | null = null;

  constructor(
    readonly workerId: string,
    private readonly url: string,
  ) {}

  /** Takes the lock; `onLost` is called if the connection holding it ends while we still run. */
  async hold(onLost: (err: Error) => void): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: `dfl-worker:${this.workerId}`.slice(0, 63) });
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [WORKER_LOCK_CLASS, this.workerId]);
    const lost = (err?: Error) => {
      if (this.client === client) {
        this.client = null;
        onLost(err ?? new Error('the connection that marks this worker alive closed'));
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

/** Whether the worker holds its lock (a transaction-level try-lock: it is released at once if we got it). */
export async function workerAlive(db: DataSource, workerId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = (await tx.query('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free', [WORKER_LOCK_CLASS, workerId])) as Array<{ free: boolean }>;
    return !rows[0].free;
  });
}
