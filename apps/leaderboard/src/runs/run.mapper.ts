import { ciPair, type RankedRun, type Run, type RunEpoch } from '@dfl/db';
import type { EpochDto, RunDetailDto } from './dto/run-detail.dto';
import type { RunRowDto } from './dto/run-row.dto';

/** Entities never leave the service: these turn them into the response shapes. */
export function toRunRow({ run, rank }: RankedRun): RunRowDto {
  return {
    rank,
    id: run.id,
    name: run.name,
    status: run.status,
    backbone: run.backbone,
    auc: run.auc,
    aucCi: ciPair(run.aucCiLow, run.aucCiHigh),
    tpr: run.tprAt1e3,
    tprCi: ciPair(run.tprCiLow, run.tprCiHigh),
    tprNegatives: run.tprNegatives,
    eer: run.eer,
    ap: run.ap,
    epochs: run.epochsDone,
    durationS: run.durationS,
    promoted: run.promoted,
    tags: run.tags,
    datasetName: run.datasetName,
    datasetHash: run.datasetHash,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    worker: run.worker,
    sweepId: run.sweepId,
  };
}

export function toRunDetail(run: Run): RunDetailDto {
  const { epochs: epochsDone, ...row } = toRunRow({ run, rank: null });
  return {
    ...row,
    epochs: (run.epochs ?? []).map(toEpoch),
    epochsDone,
    epochsPlanned: run.epochsPlanned,
    resolvedConfig: run.resolvedConfig,
    configHash: run.configHash,
    rocPoints: run.rocPoints,
    robustness: run.robustness,
    artefacts: run.artefacts,
    accuracy: run.accuracy,
    logLoss: run.logLoss,
    error: run.error,
    notes: run.notes,
    gitCommit: run.gitCommit,
    gitDirty: run.gitDirty,
    engine: run.engine,
    backend: run.backend,
    packageVersions: run.packageVersions,
    host: run.host,
    seed: run.seed,
    startedAt: run.startedAt?.toISOString() ?? null,
    runDir: run.runDir,
    reproducedFrom: run.reproducedFrom,
  };
}

/** The runner stores epochs from 0 (its loop index); people, the CLI (`dfl run`, `dfl show`) and the page count from 1. */
function toEpoch(e: RunEpoch): EpochDto {
  return {
    epoch: e.epoch + 1,
    lr: e.lr,
    trainLoss: e.trainLoss,
    valLoss: e.valLoss,
    valAuc: e.valAuc,
    valTpr: e.valTpr,
    valEer: e.valEer,
    valAp: e.valAp,
    imgS: e.imgS,
    dataS: e.dataS,
    stepS: e.stepS,
    durationS: e.durationS,
  };
}
