import { ApiProperty, OmitType } from '@nestjs/swagger';
import { RunRowDto } from './run-row.dto';

const nullableNumber = { type: Number, nullable: true } as const;
const nullableString = { type: String, nullable: true } as const;

export class EpochDto {
  @ApiProperty({ description: 'From 1, as the CLI counts (stored from 0)' }) epoch!: number;
  @ApiProperty(nullableNumber) lr!: number | null;
  @ApiProperty(nullableNumber) trainLoss!: number | null;
  @ApiProperty(nullableNumber) valLoss!: number | null;
  @ApiProperty(nullableNumber) valAuc!: number | null;
  @ApiProperty(nullableNumber) valTpr!: number | null;
  @ApiProperty(nullableNumber) valEer!: number | null;
  @ApiProperty(nullableNumber) valAp!: number | null;
  @ApiProperty({ ...nullableNumber, description: 'Training images per second' }) imgS!: number | null;
  @ApiProperty(nullableNumber) dataS!: number | null;
  @ApiProperty(nullableNumber) stepS!: number | null;
  @ApiProperty(nullableNumber) durationS!: number | null;
}

/** A run in full: the row's fields (rank null), provenance, the per-epoch curve, ROC points, robustness, artefacts. */
export class RunDetailDto extends OmitType(RunRowDto, ['epochs'] as const) {
  @ApiProperty({ type: [EpochDto] }) epochs!: EpochDto[];
  @ApiProperty() epochsDone!: number;
  @ApiProperty(nullableNumber) epochsPlanned!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The resolved experiment, as stored and replayed' })
  resolvedConfig!: Record<string, unknown>;
  @ApiProperty() configHash!: string;
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, nullable: true, description: '[[fpr, tpr], ...]' })
  rocPoints!: Array<[number, number]> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) robustness!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true }) artefacts!: Record<string, string> | null;
  @ApiProperty(nullableNumber) accuracy!: number | null;
  @ApiProperty(nullableNumber) logLoss!: number | null;
  @ApiProperty(nullableString) error!: string | null;
  @ApiProperty(nullableString) notes!: string | null;
  @ApiProperty(nullableString) gitCommit!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) gitDirty!: boolean | null;
  @ApiProperty(nullableString) engine!: string | null;
  @ApiProperty(nullableString) backend!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true }) packageVersions!: Record<string, string> | null;
  @ApiProperty(nullableString) host!: string | null;
  @ApiProperty(nullableNumber) seed!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty(nullableString) runDir!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) reproducedFrom!: string | null;
}
