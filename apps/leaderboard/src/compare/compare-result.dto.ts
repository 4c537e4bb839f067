import { ApiProperty } from '@nestjs/swagger';
import { RunDetailDto } from '../runs/dto/run-detail.dto';

export class ConfigDiffRowDto {
  @ApiProperty({ example: 'train.optimizer.lr', description: 'Dotted path in the resolved config; [i] for array items' })
  path!: string;
  @ApiProperty({ type: 'array', items: {}, description: 'The value in each compared run, in the order of `runs` (null where absent)' })
  values!: unknown[];
}

export class CompareResultDto {
  @ApiProperty({ type: [RunDetailDto], description: 'The runs in the order of `ids`' }) runs!: RunDetailDto[];
  @ApiProperty({ type: [ConfigDiffRowDto], description: 'Only the config paths whose values differ' }) configDiff!: ConfigDiffRowDto[];
}
