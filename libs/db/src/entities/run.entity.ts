import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { RUN_STATUSES, type RunStatus } from './run-status';
import { bigintAsNumber } from './transformers';
import type { RunEpoch } from './run-epoch.entity';

/** A [fpr, tpr] pair of the test ROC curve. */
export type RocPoint = [number, number];

/**
 * One training + evaluation run. Provenance columns are written once by createRun; metrics once by finishRun.
 * Column names are snake_case in SQL, camelCase here; the schema itself is owned by the migrations.
 */
@Entity({ name: 'runs' })
export class Run {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'enum', enum: RUN_STATUSES, enumName: 'run_status', default: 'queued' })
  status!: RunStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'resolved_config', type: 'jsonb' })
  resolvedConfig!: Record<string, unknown>;

  @Column({ name: 'config_hash', type: 'text' })
  configHash!: string;

  @Column({ name: 'dataset_name', type: 'text', nullable: true })
  datasetName!: string | null;

  @Column({ name: 'dataset_hash', type: 'text', nullable: true })
  datasetHash!: string | null;

  @Column({ name: 'git_commit', type: 'text', nullable: true })
  gitCommit!: string | null;

  @Column({ name: 'git_dirty', type: 'boolean', nullable: true })
  gitDirty!: boolean | null;

  @Column({ type: 'text', nullable: true })
  engine!: string | null;

  @Column({ type: 'text', nullable: true })
  backend!: string | null;

  @Column({ name: 'package_versions', type: 'jsonb', nullable: true })
  packageVersions!: Record<string, string> | null;

  @Column({ type: 'text', nullable: true })
  host!: string | null;

  @Column({ type: 'integer', nullable: true })
  pid!: number | null;

  @Column({ type: 'text', nullable: true })
  worker!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  seed!: number | null;

  @Column({ type: 'text', nullable: true })
  backbone!: string | null;

  @Column({ name: 'epochs_planned', type: 'integer', nullable: true })
  epochsPlanned!: number | null;

  @Column({ name: 'epochs_done', type: 'integer', default: 0 })
  epochsDone!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_s', type: 'double precision', nullable: true })
  durationS!: number | null;

  @Column({ type: 'double precision', nullable: true })
  auc!: number | null;

  @Column({ name: 'auc_ci_low', type: 'double precision', nullable: true })
  aucCiLow!: number | null;

  @Column({ name: 'auc_ci_high', type: 'double precision', nullable: true })
  aucCiHigh!: number | null;

  @Column({ name: 'tpr_at_1e3', type: 'double precision', nullable: true })
  tprAt1e3!: number | null;

  @Column({ name: 'tpr_ci_low', type: 'double precision', nullable: true })
  tprCiLow!: number | null;

  @Column({ name: 'tpr_ci_high', type: 'double precision', nullable: true })
  tprCiHigh!: number | null;

  /** How many negatives (real faces) the TPR@FPR=1e-3 rests on: below 1000 the threshold is coarse. */
  @Column({ name: 'tpr_negatives', type: 'integer', nullable: true })
  tprNegatives!: number | null;

  @Column({ type: 'double precision', nullable: true })
  eer!: number | null;

  @Column({ type: 'double precision', nullable: true })
  ap!: number | null;

  @Column({ type: 'double precision', nullable: true })
  accuracy!: number | null;

  @Column({ name: 'log_loss', type: 'double precision', nullable: true })
  logLoss!: number | null;

  @Column({ name: 'roc_points', type: 'jsonb', nullable: true })
  rocPoints!: RocPoint[] | null;

  /** Metrics per robustness view (e.g. `{ "jpeg-q50": { auc, tpr } }`), whatever the evaluator produced. */
  @Column({ type: 'jsonb', nullable: true })
  robustness!: Record<string, unknown> | null;

  /** Artefact name => path (relative to runDir where possible). */
  @Column({ type: 'jsonb', nullable: true })
  artefacts!: Record<string, string> | null;

  @Column({ name: 'run_dir', type: 'text', nullable: true })
  runDir!: string | null;

  @Column({ name: 'reproduced_from', type: 'uuid', nullable: true })
  reproducedFrom!: string | null;

  @Column({ name: 'sweep_id', type: 'text', nullable: true })
  sweepId!: string | null;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'boolean', default: false })
  promoted!: boolean;

  @OneToMany('RunEpoch', (e: RunEpoch) => e.run)
  epochs?: RunEpoch[];
}
