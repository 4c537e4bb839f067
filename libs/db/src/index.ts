export { Run, type RocPoint } from './entities/run.entity';
export { RunEpoch } from './entities/run-epoch.entity';
export { Promotion } from './entities/promotion.entity';
export { RUN_STATUSES, type RunStatus } from './entities/run-status';
export { ENTITIES, createDataSource, connectDatabase, resolveDatabaseUrl, migrate, migrationStatus, type ConnectOptions, type DataSourceOptions } from './data-source';
export { MIGRATIONS } from './migrations';
export {
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
  embeddedPostgresStatus,
  redactUrl,
  freePort,
  processAlive,
  DEFAULT_DATABASE,
  type EmbeddedOptions,
  type EmbeddedServer,
  type EmbeddedStatus,
} from './embedded/embedded-postgres';
export { dflHome, embeddedLayout } from './embedded/paths';
export {
  RANKING_ORDER,
  orderTerms,
  orderSql,
  type OrderTerm,
  SORT_COLUMNS,
  SORT_KEYS,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  defaultOrder,
  type SortKey,
  type SortOrder,
  type RunFilter,
  type ListRunsQuery,
} from './runs/ranking';
export { RunRepository, type RankedRun, type RunPage, type RunRepositoryOptions } from './runs/run-repository';
export { ciPair } from './runs/run-ci';
export { RunChangeListener, RUN_CHANGES_CHANNEL, parseRunChange, type RunChange, type RunChangeListenerOptions } from './runs/run-changes';
export {
  RunNotFoundError,
  RunStateError,
  type NewRun,
  type EpochRecord,
  type FinalMetrics,
  type PromoteOptions,
} from './runs/run-records';
export { seedFixtureRuns, FIXTURE_RUNS, FIXTURE_RANKED_IDS, FIXTURE_EPOCH, type FixtureRun, type SeedOptions } from './fixtures/seed-runs';
export { startTestDatabase, truncateAll, type TestDatabase } from './testing/test-database';
