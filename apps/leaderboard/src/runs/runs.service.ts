import { BadRequestException, Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, RunNotFoundError, RunRepository, type ListRunsQuery } from '@dfl/db';
import type { ListRunsQueryDto } from './dto/list-runs.query';
import type { PromoteRunDto } from './dto/promote-run.dto';
import type { RunDetailDto } from './dto/run-detail.dto';
import type { RunsPageDto } from './dto/run-row.dto';
import type { UpdateRunDto } from './dto/update-run.dto';
import { toRunDetail, toRunRow } from './run.mapper';

@Injectable()
export class RunsService {
  constructor(private readonly runs: RunRepository) {}

  async list(dto: ListRunsQueryDto): Promise<RunsPageDto> {
    const page = await this.runs.listRuns(toListQuery(dto));
    return { total: page.total, items: page.items.map(toRunRow) };
  }

  async get(id: string): Promise<RunDetailDto> {
    const run = await this.runs.getRun(id);
    if (!run) throw new RunNotFoundError(id);
    return toRunDetail(run);
  }

  async update(id: string, dto: UpdateRunDto): Promise<RunDetailDto> {
    return toRunDetail(await this.runs.updateRun(id, { tags: dto.tags, notes: dto.notes }));
  }

  async promote(id: string, dto: PromoteRunDto): Promise<RunDetailDto> {
    return toRunDetail(await this.runs.setPromoted(id, { promoted: dto.promoted, track: dto.track }));
  }

  async delete(id: string): Promise<void> {
    if (!(await this.runs.deleteRun(id))) throw new RunNotFoundError(id);
  }
}

/** Two ways to page (limit/offset, page/pageSize): one at a time. */
export function toListQuery(dto: ListRunsQueryDto): ListRunsQuery {
  const { page, pageSize, limit, offset, ...filters } = dto;
  const paged = page !== undefined || pageSize !== undefined;
  if (paged && (limit !== undefined || offset !== undefined)) {
    throw new BadRequestException(['page/pageSize and limit/offset cannot be mixed: use one pair']);
  }
  if (!paged) return { ...filters, limit, offset };
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  return { ...filters, limit: size, offset: ((page ?? 1) - 1) * size };
}
