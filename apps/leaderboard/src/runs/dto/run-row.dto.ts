import { ApiProperty } from '@nestjs/swagger';
import { RUN_STATUSES, type RunStatus } from '@dfl/db';

const nullableNumber = { type: Number, nullable: true } as const;
const interval = { type: 'array', items: { type: 'number' }, nullable: true, minItems: 2, maxItems: 2, description: '[low, high] bootstrap CI' } as const;

/** One row of the ranked table (the contract with the web page: keep these names). */
export class RunRowDto {
  @ApiProperty({ ...nullableNumber, description: 'Place in the ranking among the filtered runs; null without AUC' })
  rank!: number | null;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RUN_STATUSES }) status!: RunStatus;
  @ApiProperty({ type: String, nullable: true }) backbone!: string | null;
  @ApiProperty({ ...nullableNumber, description: 'Test ROC AUC' }) auc!: number | null;
  @ApiProperty(interval) aucCi!: [number, number] | null;
  @ApiProperty({ ...nullableNumber, description: 'Test TPR at FPR = 1e-3' }) tpr!: number | null;
  @ApiProperty(interval) tprCi!: [number, number] | null;
  @ApiProperty({ ...nullableNumber, description: 'Negatives the TPR@1e-3 rests on' }) tprNegatives!: number | null;
  @ApiProperty(nullableNumber) eer!: number | null;
  @ApiProperty(nullableNumber) ap!: number | null;
  @ApiProperty({ type: Number, description: 'Epochs done' }) epochs!: number;
  @ApiProperty(nullableNumber) durationS!: number | null;
  @ApiProperty() promoted!: boolean;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: String, nullable: true }) datasetName!: string | null;
  @ApiProperty({ type: String, nullable: true }) datasetHash!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) worker!: string | null;
  @ApiProperty({ type: String, nullable: true }) sweepId!: string | null;
}

export class RunsPageDto {
  @ApiProperty({ description: 'Runs matching the filters' }) total!: number;
  @ApiProperty({ type: [RunRowDto] }) items!: RunRowDto[];
}
