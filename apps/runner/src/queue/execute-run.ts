import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { resolveExperimentText } from '@dfl/experiment';
import { catalog } from '../plugins';
import { runExperiment } from '../run/run-experiment';
import type { ArtefactStore } from './artefact-store';
import type { Attempt, AttemptResult } from './queue-worker';

/**
 * Trains and records one attempt with `runExperiment`: the config is the one validated at submit time (re-checked
 * here against this machine's plug-ins: it must resolve to the same hash), the data must have the manifest hash
 * recorded then, and the run's folder goes to the artefact store.
 */
export function executeRun(store: ArtefactStore, options: { jsonl?: boolean } = {}): (attempt: Attempt) => Promise<AttemptResult> {
  return async (attempt) => {
    const { job } = attempt;
    const resolution = resolveExperimentText(job.configJson, job.file, { catalog, cwd: path.dirname(job.file) });
    if (resolution.hash !== job.configHash) {
      throw new UserError(`run ${attempt.runId}: its config resolves differently on this worker (hash ${resolution.hash.slice(0, 12)}, submitted ${job.configHash.slice(0, 12)}): the worker's dfl or plug-ins differ from the submitter's`);
    }
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
    });
    const where = await store.publish(outcome.runId, outcome.runDir);
    const auc = outcome.final?.auc;
    return { status: 'finished', runDir: where, summary: `val AUC ${auc === undefined ? '?' : auc.toFixed(4)}, ${outcome.epochsDone} epoch(s)` };
  };
}
