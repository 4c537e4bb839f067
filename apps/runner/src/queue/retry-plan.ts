import type { Run } from '@dfl/db';
import type { ExperimentResolution } from '@dfl/experiment';
import { NotResumable, resumePointOf, type ResumePoint } from '../run/resume-point';
import type { RetryEvent } from '../run/run-reporter';
import type { RunJobData } from './queue-config';

/** What a queue retry does with the attempt before it. */
export interface RetryPlan {
  /** The stopped attempt's last checkpoint to go on from; null: train from scratch. */
  readonly continueFrom: ResumePoint | null;
  /** What the run's event log and the worker's log say about it. */
  readonly event: Omit<RetryEvent, 'type'>;
}

/**
 * A retry goes on from the previous attempt's last checkpoint when this worker can reach that attempt's folder (the
 * same machine, or a folder shared at the same path: a local artefact store publishes nothing elsewhere while a run
 * trains) and the checkpoint is complete and of the job's config; otherwise it starts from scratch, saying why.
 * The same checks as `dfl run --resume` (resumePointOf), with the job's config rather than the stored one.
 */
export async function planRetry(job: RunJobData, previous: Run, resolution: ExperimentResolution): Promise<RetryPlan> {
  const base = { retryOf: job.runId, previousAttempt: previous.id };
  try {
    const point = await resumePointOf(previous, { resolution, configHash: job.configHash });
    const reason = `attempt ${previous.id} ended ${previous.status}${previous.error ? `: ${previous.error}` : ''}`;
    return { continueFrom: point, event: { ...base, resumedAfterEpoch: point.lastEpoch, reason } };
  } catch (err) {
    // Anything unreadable (a torn or foreign file) is a reason to start over, not a reason to fail the attempt.
    const why = err instanceof NotResumable ? err.reason : err instanceof Error ? err.message : String(err);
    return { continueFrom: null, event: { ...base, resumedAfterEpoch: null, reason: `attempt ${previous.id} cannot be resumed: ${why}` } };
  }
}
