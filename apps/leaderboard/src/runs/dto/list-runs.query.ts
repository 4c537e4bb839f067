import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE, RUN_STATUSES, SORT_KEYS, type RunStatus, type SortKey, type SortOrder } from '@dfl/db';

/** `a,b` or `?x=a&x=b` => ['a', 'b']. */
const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])) : value;

/** Only the words true/false are booleans; anything else stays as it came and fails validation. */
const booleanWord = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** Query of GET /api/runs. Unknown keys are rejected by the global ValidationPipe. */
export class ListRunsQueryDto {
  @ApiPropertyOptional({ description: 'Dataset name or dataset manifest hash' })
  @IsOptional() @IsString() @MaxLength(200)
  dataset?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  datasetName?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  datasetHash?: string;

  @ApiPropertyOptional({ description: 'One status or several, comma-separated', example: 'finished,running', type: String })
  @IsOptional() @Transform(commaList) @IsIn(RUN_STATUSES, { each: true })
  status?: RunStatus[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  backbone?: string;

  @ApiPropertyOptional({ description: 'Runs carrying this tag' }) @IsOptional() @IsString() @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive text in the run name' }) @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  sweepId?: string;

  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @Transform(booleanWord) @IsBoolean()
  promoted?: boolean;

  @ApiPropertyOptional({ enum: SORT_KEYS, description: 'Default: rank (AUC desc, TPR@1e-3 desc, earlier finish)' })
  @IsOptional() @IsIn(SORT_KEYS)
  sort?: SortKey;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default: the better end first (desc for AUC, asc for EER)' })
  @IsOptional() @IsIn(['asc', 'desc'])
  order?: SortOrder;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000_000)
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Alternative to offset: 1-based page of pageSize rows' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
