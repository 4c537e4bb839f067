import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { RunRepository } from '@dfl/db';
import type { DataSource } from 'typeorm';
import { WriteTokenGuard } from './auth/write-token.guard';
import { CompareController } from './compare/compare.controller';
import { CompareService } from './compare/compare.service';
import { LEADERBOARD_CONFIG, type LeaderboardConfig } from './config';
import { EventsController } from './live/events.controller';
import { RunChanges } from './live/run-changes.service';
import { RunsController } from './runs/runs.controller';
import { DeadRunReaper } from './reaper/dead-run-reaper';
import { RunsService } from './runs/runs.service';

@Module({})
export class AppModule {
  /** `dataSource`: initialised and migrated (connectDatabase); the app destroys it when it closes. */
  static forRoot(dataSource: DataSource, config: LeaderboardConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSource.options, autoLoadEntities: false }),
          dataSourceFactory: async () => dataSource,
        }),
      ],
      controllers: [RunsController, CompareController, EventsController],
      providers: [
        { provide: LEADERBOARD_CONFIG, useValue: config },
        { provide: RunRepository, useFactory: (ds: DataSource) => new RunRepository(ds, { countCacheMs: config.countCacheMs }), inject: [getDataSourceToken()] },
        RunChanges,
        RunsService,
        CompareService,
        WriteTokenGuard,
        DeadRunReaper,
      ],
    };
  }
}
