/*
 * The queue is pg-boss (10.x), on the PostgreSQL that already holds the runs. Why pg-boss and not graphile-worker:
 * - a killed worker's job must come back by the queue's own rules: pg-boss fails an active job whose expiry passed
 *   and retries it up to the job's own `retryLimit` (per job, so `dfl submit --retries N`); `fail()` may be called
 *   from any process, which our liveness sweep uses to hand back a dead worker's job at once. graphile-worker frees
 *   a crashed worker's jobs only after a fixed 4 hours, with no per-job expiry.
 * - jobs are plain rows with states (created/retry/active/completed/failed) that `dfl` and the leaderboard can read;
 *   `send`/`insert` accept our own transaction, so a sweep's run rows and jobs land together or not at all.
 * - 10.x is the last line that runs on Node 20 (11+ need Node 22, which would also bring built-in job heartbeats:
 *   the step after this one). Its polling (>= 0.5 s) costs nothing next to a training run (bench:queue measures it).
 */

/** The pg-boss queue every run job goes to. */
export const RUN_QUEUE = 'dfl-runs';

/** pg-boss keeps its tables in this schema, beside ours (it installs and migrates them itself). */
export const QUEUE_SCHEMA = 'pgboss';

export const DEFAULT_RETRIES = 1;
/**
 * How long a run may stay active before pg-boss fails it (and retries it). A backstop for a worker whose machine
 * vanished without closing its database connection; a killed worker is noticed within seconds by the liveness sweep.
 * pg-boss caps it below 24 h.
 */
export const DEFAULT_TIMEOUT_S = 12 * 3600;
export const MAX_TIMEOUT_S = 24 * 3600 - 1;

/** What a run job carries: enough for any machine to run exactly what was validated at submit time. */
export interface RunJobData {
  /** The queued run row (the first attempt; a retry records a new row with `reproduced_from` = this id). */
  readonly runId: string;
  readonly sweepId: string | null;
  /** Position in the sweep (0-based) and what it sets, for logs. */
  readonly sweepIndex: number | null;
  readonly label: string | null;
  /** The experiment file it was resolved from (names errors; the config itself is complete). */
  readonly file: string;
  /** The resolved config as canonical JSON, and its hash: the worker checks it resolves to the same. */
  readonly configJson: string;
  readonly configHash: string;
  /** The dataset manifest hash at submit time: a worker refuses data that differs. */
  readonly datasetHash: string;
}

/** The pg-boss options for this database: small pool (a worker needs few connections), its own schema. */
export function bossOptions(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { connectionString: url, schema: QUEUE_SCHEMA, max: 4, application_name: `dfl-queue:${process.pid}`, ...extra };
}
