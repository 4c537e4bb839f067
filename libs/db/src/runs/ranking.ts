import type { RunStatus } from '../entities/run-status';

/** One ORDER BY term: column, direction, where NULLs go. */
export type OrderTerm = readonly [column: string, direction: 'ASC' | 'DESC', nulls: 'NULLS FIRST' | 'NULLS LAST'];

/**
 * The leaderboard order, the one definition used by `dfl runs` and the API: AUC descending, ties broken by
 * TPR@FPR=1e-3 descending, then by the earlier finish; runs without a metric go last; id makes it total so
 * pages never overlap. It matches the `runs_ranking_idx` index column for column.
 */
export const RANKING_ORDER: readonly OrderTerm[] = [
  ['r.auc', 'DESC', 'NULLS LAST'],
  ['r.tpr_at_1e3', 'DESC', 'NULLS LAST'],
  ['r.finished_at', 'ASC', 'NULLS LAST'],
  ['r.id', 'ASC', 'NULLS LAST'],
];

/**
 * What a list can be sorted by, and the SQL column behind each key. Only these keys reach SQL: a sort key is
 * looked up here, never interpolated. `rank` is the ranking itself.
 */
export const SORT_COLUMNS = {
  rank: null,
  auc: 'r.auc',
  tpr: 'r.tpr_at_1e3',
  eer: 'r.eer',
  ap: 'r.ap',
  accuracy: 'r.accuracy',
  logLoss: 'r.log_loss',
  durationS: 'r.duration_s',
  epochs: 'r.epochs_done',
  createdAt: 'r.created_at',
  finishedAt: 'r.finished_at',
  name: 'r.name',
} as const;

export type SortKey = keyof typeof SORT_COLUMNS;
export const SORT_KEYS = Object.keys(SORT_COLUMNS) as SortKey[];
export type SortOrder = 'asc' | 'desc';

/** The direction a key sorts in when none is given: better first. */
export function defaultOrder(sort: SortKey): SortOrder {
  return sort === 'eer' || sort === 'logLoss' || sort === 'durationS' || sort === 'name' ? 'asc' : 'desc';
}

export interface RunFilter {
  /** A dataset name or manifest hash. */
  dataset?: string;
  datasetHash?: string;
  datasetName?: string;
  status?: RunStatus[];
  backbone?: string;
  /** Runs carrying this tag. */
  tag?: string;
  /** Case-insensitive substring of the name. */
  q?: string;
  sweepId?: string;
  promoted?: boolean;
}

export interface ListRunsQuery extends RunFilter {
  sort?: SortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * ORDER BY for a list: the chosen key first (nulls last whatever the direction), the ranking after it so equal
 * values keep their leaderboard order.
 */
export function orderTerms(sort: SortKey = 'rank', order?: SortOrder): readonly OrderTerm[] {
  const column = SORT_COLUMNS[sort];
  if (column === null) return RANKING_ORDER;
  const direction = (order ?? defaultOrder(sort)) === 'asc' ? 'ASC' : 'DESC';
  // TypeORM keeps ORDER BY terms in a map keyed by column: repeating the chosen column (auc, tpr) from the ranking
  // would overwrite its direction, so `sort=tpr&order=asc` came back descending.
  return [[column, direction, 'NULLS LAST'], ...RANKING_ORDER.filter(([c]) => c !== column)];
}

/** The terms as SQL text (for a window function's ORDER BY). */
export function orderSql(terms: readonly OrderTerm[]): string {
  return terms.map((t) => t.join(' ')).join(', ');
}

/** `%` and `_` in a search text mean themselves, not LIKE wildcards. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
