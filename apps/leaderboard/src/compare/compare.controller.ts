import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CompareResultDto } from './compare-result.dto';
import { CompareQueryDto } from './compare.query';
import { CompareService } from './compare.service';

@ApiTags('runs')
@Controller('api/compare')
export class CompareController {
  constructor(private readonly compareService: CompareService) {}

  @Get()
  @ApiOkResponse({ type: CompareResultDto })
  @ApiNotFoundResponse({ description: 'One of the ids is not a run' })
  compare(@Query() { ids }: CompareQueryDto): Promise<CompareResultDto> {
    return this.compareService.compare(ids);
  }
}
