import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Run } from './run.entity';

/** Validation metrics and timings after one epoch. One row per (run, epoch); recording an epoch again replaces it. */
@Entity({ name: 'run_epochs' })
export class RunEpoch {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  epoch!: number;

  @ManyToOne('Run', (r: Run) => r.epochs, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  @Column({ type: 'double precision', nullable: true })
  lr!: number | null;

  @Column({ name: 'train_loss', type: 'double precision', nullable: true })
  trainLoss!: number | null;

  @Column({ name: 'val_loss', type: 'double precision', nullable: true })
  valLoss!: number | null;

  @Column({ name: 'val_auc', type: 'double precision', nullable: true })
  valAuc!: number | null;

  @Column({ name: 'val_tpr', type: 'double precision', nullable: true })
  valTpr!: number | null;

  @Column({ name: 'val_eer', type: 'double precision', nullable: true })
  valEer!: number | null;

  @Column({ name: 'val_ap', type: 'double precision', nullable: true })
  valAp!: number | null;

  /** Training throughput, images per second. */
  @Column({ name: 'img_s', type: 'double precision', nullable: true })
  imgS!: number | null;

  /** Seconds spent waiting for data during the epoch. */
  @Column({ name: 'data_s', type: 'double precision', nullable: true })
  dataS!: number | null;

  /** Seconds spent in optimizer steps during the epoch. */
  @Column({ name: 'step_s', type: 'double precision', nullable: true })
  stepS!: number | null;

  @Column({ name: 'duration_s', type: 'double precision', nullable: true })
  durationS!: number | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
