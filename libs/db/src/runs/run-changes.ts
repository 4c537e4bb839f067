import { Client } from 'pg';
import type { RunStatus } from '../entities/run-status';

/** The channel the `runs` trigger notifies on (migration RunChangeNotify). */
export const RUN_CHANGES_CHANNEL = 'dfl_run_changes';

/** One change to the runs table, as the trigger announces it; `truncate` has no id (every run is gone). */
export interface RunChange {
  id: string | null;
  op: 'insert' | 'update' | 'delete' | 'truncate';
  status: RunStatus | null;
}

/** A notification's payload as a RunChange; null if it is not one (another writer on the channel). */
export function parseRunChange(payload: string | undefined): RunChange | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<RunChange>;
    if (!value || !['insert', 'update', 'delete', 'truncate'].includes(value.op as string)) return null;
    return { id: typeof value.id === 'string' ? value.id : null, op: value.op!, status: (value.status as RunStatus) ?? null };
  } catch {
    return null;
  }
}

export interface RunChangeListenerOptions {
  url: string;
  onChange: (change: RunChange) => void;
  /** Called when the LISTEN connection comes up or goes down (changes may have been missed while down). */
  onState?: (connected: boolean) => void;
  /** Wait before reconnecting after a lost connection (ms; default 1000). */
  retryMs?: number;
}

/**
 * A connection of its own (outside any pool: LISTEN belongs to one session) that LISTENs for run changes, and
 * reconnects when it is lost. `generation` moves on every change and every connect/disconnect, so anything cached
 * while it had one value is stale once it has another.
 */
export class RunChangeListener {
  generation = 0;
  connected = false;
  private client: Client | null = null;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly options: RunChangeListenerOptions) {}

  /** Resolves after the first attempt, connected or not; a failed attempt is retried in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.setConnected(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.url, application_name: `dfl-listen:${process.pid}` });
    this.client = client;
    client.on('notification', (msg) => {
      if (msg.channel !== RUN_CHANGES_CHANNEL) return;
      this.generation++;
      const change = parseRunChange(msg.payload);
      if (change) this.options.onChange(change);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUN_CHANGES_CHANNEL}`);
      if (this.client !== client) {
        await client.end().catch(() => undefined); // stopped meanwhile
        return;
      }
      this.setConnected(true);
    } catch {
      this.lost(client);
    }
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.setConnected(false);
    client.end().catch(() => undefined);
    if (!this.stopped) this.retry = setTimeout(() => void this.connect(), this.options.retryMs ?? 1000);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.generation++;
    this.options.onState?.(connected);
  }
}
