import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RunRepository } from '@dfl/db';
import { LEADERBOARD_CONFIG, type LeaderboardConfig } from '../config';

/**
 * Marks `interrupted` the running runs of this host whose process is gone, every `reapEveryMs`. The runner does it
 * at the start of each `dfl` command; without this, a run killed with -9 would show as running on the page until
 * someone ran one.
 */
@Injectable()
export class DeadRunReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly logger = new Logger(DeadRunReaper.name);

  constructor(
    private readonly runs: RunRepository,
    @Inject(LEADERBOARD_CONFIG) private readonly config: LeaderboardConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reapEveryMs <= 0) return;
    this.timer = setInterval(() => void this.reap(), this.config.reapEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async reap(): Promise<string[]> {
    try {
      const reaped = await this.runs.reapDeadRuns();
      if (reaped.length > 0) this.logger.log(`marked interrupted (process gone): ${reaped.join(', ')}`);
      return reaped;
    } catch (err) {
      this.logger.warn(`reaping dead runs failed: ${(err as Error).message}`);
      return [];
    }
  }
}
