import { configDiff } from '@dfl/experiment';
import { Injectable } from '@nestjs/common';
import { RunNotFoundError, RunRepository, type Run } from '@dfl/db';
import { toRunDetail } from '../runs/run.mapper';
import type { CompareResultDto } from './compare-result.dto';

@Injectable()
export class CompareService {
  constructor(private readonly runs: RunRepository) {}

  async compare(ids: string[]): Promise<CompareResultDto> {
    const runs: Run[] = [];
    for (const id of ids) {
      const run = await this.runs.getRun(id);
      if (!run) throw new RunNotFoundError(id);
      runs.push(run);
    }
    const diff = configDiff(runs.map((r) => r.resolvedConfig));
    // JSON has no undefined: a path absent from a run is null in the API
    return { runs: runs.map(toRunDetail), configDiff: diff.map(({ path, values }) => ({ path, values: values.map((v) => (v === undefined ? null : v)) })) };
  }
}
