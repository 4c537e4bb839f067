import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

export const MAX_COMPARED = 10;

export class CompareQueryDto {
  @ApiProperty({ description: `2 to ${MAX_COMPARED} run ids, comma-separated`, type: String, example: 'id1,id2' })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value))
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(MAX_COMPARED) @IsUUID('all', { each: true })
  ids!: string[];
}
