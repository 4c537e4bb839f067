import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { WriteTokenGuard } from '../auth/write-token.guard';
import { ListRunsQueryDto } from './dto/list-runs.query';
import { PromoteRunDto } from './dto/promote-run.dto';
import { RunDetailDto } from './dto/run-detail.dto';
import { RunIdParams } from './dto/run-id.params';
import { RunsPageDto } from './dto/run-row.dto';
import { UpdateRunDto } from './dto/update-run.dto';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller('api/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOkResponse({
    type: RunsPageDto,
    description: 'Ranked runs: AUC desc, then TPR@1e-3 desc, then earlier finish. Carries an ETag: If-None-Match gets a 304 while no run changed.',
  })
  async list(@Query() query: ListRunsQueryDto, @Res() res: Response): Promise<void> {
    // The page comes serialised (and cached) from the service; express answers If-None-Match with a 304 from the ETag.
    const page = await this.runs.list(query);
    res.set({ ETag: page.etag, 'Cache-Control': 'no-cache' }).type('application/json').send(page.json);
  }

  @Get(':id')
  @ApiOkResponse({ type: RunDetailDto })
  @ApiNotFoundResponse()
  get(@Param() { id }: RunIdParams): Promise<RunDetailDto> {
    return this.runs.get(id);
  }

  @Patch(':id')
  @UseGuards(WriteTokenGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: RunDetailDto })
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse({ description: 'The leaderboard has no LEADERBOARD_TOKEN: writes are disabled' })
  update(@Param() { id }: RunIdParams, @Body() body: UpdateRunDto): Promise<RunDetailDto> {
    return this.runs.update(id, body);
  }

  @Post(':id/promote')
  @HttpCode(200)
  @UseGuards(WriteTokenGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: RunDetailDto, description: 'Promoted (or demoted); the run promoted before on that dataset and track is demoted' })
  promote(@Param() { id }: RunIdParams, @Body() body: PromoteRunDto): Promise<RunDetailDto> {
    return this.runs.promote(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @UseGuards(WriteTokenGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  remove(@Param() { id }: RunIdParams): Promise<void> {
    return this.runs.delete(id);
  }
}
