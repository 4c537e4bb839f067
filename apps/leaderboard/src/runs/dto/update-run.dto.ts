import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** PATCH /api/runs/:id: the fields a person may edit. */
export class UpdateRunDto {
  @ApiPropertyOptional({ type: [String], example: ['baseline'] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(64, { each: true })
  @Matches(/^[\w.:\-/]+$/, { each: true, message: 'each value in tags must be letters, digits or . _ : - /' })
  tags?: string[];

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(10_000)
  notes?: string | null;
}
