import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { resolveExperimentText } from '@dfl/experiment';
import { catalog } from '../plugins';
import { runExperiment } from '../run/run-experiment';
import { describeRetry } from '../run/run-reporter';
import type { ArtefactStore } from './artefact-store';
import type { Attempt, AttemptResult } from './queue-worker';
import { planRetry } from './retry-plan';

/**
 * Trains and records one attempt with `runExperiment`: the config is the one validated at submit time (re-checked
 * here against this machine's plug-ins: it must resolve to the same hash), the data must have the manifest hash
 * recorded then, and the run's folder goes to the artefact store.
 *
 * A retry is always a new run row (`reproduced_from` = the queued run), also when it goes on from the stopped
 * attempt's last checkpoint: taking the stopped row back (`RunRepository.resumeRun`, what `dfl run --resume` does)
 * would turn it `running` again and clear its error, and a killed or failed attempt must stay on record as it ended.
 * The new row starts with that attempt's epochs up to the checkpoint and has no metrics until `finishRun` writes them
 * all in one transaction, so the leaderboard never ranks a half-written run.
 */
export function executeRun(store: ArtefactStore, options: { jsonl?: boolean; log?: (line: string) => void } = {}): (attempt: Attempt) => Promise<AttemptResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return async (attempt) => {
    const { job } = attempt;
    const resolution = resolveExperimentText(job.configJson, job.file, { catalog, cwd: path.dirname(job.file) });
    if (resolution.hash !== job.configHash) {
      throw new UserError(`run ${attempt.runId}: its config resolves differently on this worker (hash ${resolution.hash.slice(0, 12)}, submitted ${job.configHash.slice(0, 12)}): the worker's dfl or plug-ins differ from the submitter's`);
    }
    const retry = attempt.previous ? await planRetry(job, attempt.previous, resolution) : null;
    if (retry) log(`worker ${attempt.workerId}: run ${attempt.runId}: ${describeRetry(retry.event)}`);
    const outcome = await runExperiment({
      resolution,
      runId: attempt.runId,
      takeQueued: attempt.takeQueued,
      reproducedFrom: attempt.takeQueued ? null : job.runId,
      worker: attempt.workerId,
      sweepId: job.sweepId,
      runsRoot: attempt.runsRoot,
      databaseUrl: attempt.databaseUrl,
      expectedDatasetHash: job.datasetHash,
      quiet: true,
      jsonl: options.jsonl ? path.join(attempt.runsRoot, `${attempt.runId}.events.jsonl`) : null,
      continueFrom: retry?.continueFrom ?? undefined,
      retry: retry?.event,
    });
    const where = await store.publish(outcome.runId, outcome.runDir);
    const auc = outcome.final?.auc;
    const resumed = retry ? (retry.continueFrom ? `, went on from epoch ${retry.continueFrom.lastEpoch + 1} of attempt ${retry.event.previousAttempt}` : ', started over') : '';
    return { status: 'finished', runDir: where, summary: `val AUC ${auc === undefined ? '?' : auc.toFixed(4)}, ${outcome.epochsDone} epoch(s)${resumed}` };
  };
}
