import type { RocPoint } from '../entities/run.entity';

/** Everything known about a run when it starts (the provenance); createRun sets status `running`. */
export interface NewRun {
  /** Given by the caller when the run folder is named after it; generated otherwise. */
  id?: string;
  name: string;
  tags?: string[];
  resolvedConfig: Record<string, unknown>;
  configHash: string;
  datasetName?: string | null;
  datasetHash?: string | null;
  gitCommit?: string | null;
  gitDirty?: boolean | null;
  engine?: string | null;
  backend?: string | null;
  packageVersions?: Record<string, string> | null;
  /** Default: this host. */
  host?: string | null;
  /** Default: this process. reapDeadRuns relies on host + pid. */
  pid?: number | null;
  worker?: string | null;
  seed?: number | null;
  backbone?: string | null;
  epochsPlanned?: number | null;
  runDir?: string | null;
  reproducedFrom?: string | null;
  sweepId?: string | null;
  notes?: string | null;
}

export interface EpochRecord {
  epoch: number;
  lr?: number | null;
  trainLoss?: number | null;
  valLoss?: number | null;
  valAuc?: number | null;
  valTpr?: number | null;
  valEer?: number | null;
  valAp?: number | null;
  imgS?: number | null;
  dataS?: number | null;
  stepS?: number | null;
  durationS?: number | null;
}

/** The test-split metrics and artefacts of a finished run. */
export interface FinalMetrics {
  auc: number;
  aucCi?: [number, number] | null;
  tprAt1e3: number;
  tprCi?: [number, number] | null;
  tprNegatives: number;
  eer?: number | null;
  ap?: number | null;
  accuracy?: number | null;
  logLoss?: number | null;
  rocPoints?: RocPoint[] | null;
  robustness?: Record<string, unknown> | null;
  artefacts?: Record<string, string> | null;
  /** Default: now - started_at. */
  durationS?: number | null;
  epochsDone?: number | null;
}

export interface PromoteOptions {
  /** Default true; false demotes the run wherever it is promoted. */
  promoted?: boolean;
  /** Promotion track within a dataset (e.g. "default", "mobile"). */
  track?: string;
  packagePath?: string | null;
}

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`no run with id ${runId}`);
    this.name = 'RunNotFoundError';
  }
}

/** A change the run's state does not allow (e.g. promoting a failed run). */
export class RunStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStateError';
  }
}
