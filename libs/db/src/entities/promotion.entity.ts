import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Run } from './run.entity';

/**
 * Promotion history: which run was the promoted one for a dataset and track, from when until when.
 * At most one open row (demoted_at null) per (dataset_name, track), enforced by a partial unique index.
 */
@Entity({ name: 'promotions' })
export class Promotion {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @ManyToOne('Run', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  @Column({ name: 'dataset_name', type: 'text' })
  datasetName!: string;

  @Column({ type: 'text', default: 'default' })
  track!: string;

  @Column({ name: 'promoted_at', type: 'timestamptz', default: () => 'now()' })
  promotedAt!: Date;

  @Column({ name: 'demoted_at', type: 'timestamptz', nullable: true })
  demotedAt!: Date | null;

  /** Where the exported model package was written, if one was. */
  @Column({ name: 'package_path', type: 'text', nullable: true })
  packagePath!: string | null;

  /** The run's headline metrics at promotion time (they do not change, but the history should stand alone). */
  @Column({ type: 'jsonb', nullable: true })
  metrics!: Record<string, number | null> | null;
}
