import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** POST /api/runs/:id/promote. An empty body promotes the run on the default track. */
export class PromoteRunDto {
  @ApiPropertyOptional({ default: true, description: 'false demotes the run' })
  @IsOptional() @IsBoolean()
  promoted?: boolean;

  @ApiPropertyOptional({ default: 'default' })
  @IsOptional() @IsString() @MaxLength(64) @Matches(/^[\w.-]+$/)
  track?: string;
}
