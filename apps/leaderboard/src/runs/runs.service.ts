import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, RunNotFoundError, RunRepository, type ListRunsQuery } from '@dfl/db';
import { LEADERBOARD_CONFIG, type LeaderboardConfig } from '../config';
import { RunChanges } from '../live/run-changes.service';
import type { ListRunsQueryDto } from './dto/list-runs.query';
import type { PromoteRunDto } from './dto/promote-run.dto';
import type { RunDetailDto } from './dto/run-detail.dto';
import type { RunsPageDto } from './dto/run-row.dto';
import type { UpdateRunDto } from './dto/update-run.dto';
import { RenderedListCache, renderPage, type RenderedPage } from './rendered-list-cache';
import { toRunDetail, toRunRow } from './run.mapper';

@Injectable()
export class RunsService {
  private readonly lists = new RenderedListCache();
  /** Pages being made, by cache key: requests arriving together after a change share one query. */
  private readonly making = new Map<string, Promise<RenderedPage>>();

  constructor(
    private readonly runs: RunRepository,
    private readonly changes: RunChanges,
    @Inject(LEADERBOARD_CONFIG) private readonly config: LeaderboardConfig,
  ) {}

  /**
   * A list page (RunsPageDto) as JSON text. Pages are cached until runs change: a change by any process moves the
   * database's change version at once and is announced by NOTIFY at commit, and either makes the page stale. Without
   * the LISTEN connection nothing is cached (a change could go unseen).
   */
  async list(dto: ListRunsQueryDto): Promise<RenderedPage> {
    const query = toListQuery(dto);
    if (!this.config.listCache || !this.changes.connected) return renderPage(await this.page(query));
    const key = JSON.stringify(query);
    const generation = this.changes.generation;
    const version = await this.runs.changeVersion();
    const hit = this.lists.get(key, version, generation);
    if (hit) return hit;
    const making = `${version}:${generation}:${key}`;
    let pending = this.making.get(making);
    if (!pending) {
      pending = this.page(query)
        .then((page) => {
          const rendered = renderPage(page);
          this.lists.set(key, rendered, version, generation);
          return rendered;
        })
        .finally(() => this.making.delete(making));
      this.making.set(making, pending);
    }
    return pending;
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

  private async page(query: ListRunsQuery): Promise<RunsPageDto> {
    const page = await this.runs.listRuns(query);
    return { total: page.total, items: page.items.map(toRunRow) };
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
