// Response shapes of the leaderboard API (apps/leaderboard/src). The front end is bundled separately from the
// service, so these mirror the API's response DTOs rather than importing them.

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | string;

export interface RunRow {
  rank: number | null;
  id: string;
  name: string;
  status: RunStatus;
  backbone: string | null;
  auc: number | null;
  aucCi: [number, number] | null;
  tpr: number | null;
  tprCi: [number, number] | null;
  tprNegatives: number | null;
  eer: number | null;
  ap: number | null;
  epochs: number | null;
  durationS: number | null;
  promoted: boolean;
  tags: string[];
  datasetName: string | null;
  datasetHash: string | null;
  createdAt: string | null;
  finishedAt: string | null;
  worker?: string | null;
  sweepId?: string | null;
}

export interface RunsPage {
  total: number;
  items: RunRow[];
}

export interface EpochRow {
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
  [key: string]: number | null | undefined;
}

/** One run in full; here `epochs` is the per-epoch curve, not the epoch count of the table row. */
export interface RunDetail extends Omit<RunRow, 'epochs'> {
  epochs: EpochRow[];
  epochsDone?: number;
  epochsPlanned?: number | null;
  resolvedConfig: unknown;
  configHash?: string;
  rocPoints: [number, number][] | null;
  robustness?: Record<string, unknown> | null;
  /** artefact name => path (relative to runDir where possible) */
  artefacts?: Record<string, string> | null;
  accuracy?: number | null;
  logLoss?: number | null;
  error?: string | null;
  notes?: string | null;
  gitCommit?: string | null;
  gitDirty?: boolean | null;
  engine?: string | null;
  backend?: string | null;
  packageVersions?: Record<string, string> | null;
  host?: string | null;
  seed?: number | null;
  startedAt?: string | null;
  runDir?: string | null;
  reproducedFrom?: string | null;
}

export interface ConfigDiffRow {
  path: string;
  values: unknown[];
}

export interface CompareResult {
  runs: RunDetail[];
  configDiff: ConfigDiffRow[];
}
