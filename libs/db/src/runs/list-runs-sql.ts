import { likePattern, orderSql, orderTerms, RANKING_ORDER, type ListRunsQuery, type RunFilter } from './ranking';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** A column of the list: its SQL name and the property it becomes. */
export interface ListColumn {
  databaseName: string;
  propertyName: string;
}

/** WHERE clause of a filter; every value is a bind parameter, never SQL text. */
export function whereSql(f: RunFilter, values: unknown[] = []): { where: string; values: unknown[] } {
  const conds: string[] = [];
  const p = (v: unknown): string => `$${values.push(v)}`;
  if (f.dataset !== undefined) {
    const v = p(f.dataset);
    conds.push(`(r.dataset_name = ${v} OR r.dataset_hash = ${v})`);
  }
  if (f.datasetHash !== undefined) conds.push(`r.dataset_hash = ${p(f.datasetHash)}`);
  if (f.datasetName !== undefined) conds.push(`r.dataset_name = ${p(f.datasetName)}`);
  if (f.status !== undefined && f.status.length > 0) conds.push(`r.status = ANY(${p(f.status)}::run_status[])`);
  if (f.backbone !== undefined) conds.push(`r.backbone = ${p(f.backbone)}`);
  if (f.tag !== undefined) conds.push(`r.tags @> ARRAY[${p(f.tag)}]::text[]`);
  if (f.q !== undefined && f.q !== '') conds.push(`r.name ILIKE ${p(likePattern(f.q))}`);
  if (f.sweepId !== undefined) conds.push(`r.sweep_id = ${p(f.sweepId)}`);
  if (f.promoted !== undefined) conds.push(`r.promoted = ${p(f.promoted)}`);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', values };
}

/**
 * The two statements of a list page: the count of matching runs and the page itself. In ranking order the rank is
 * the position (the ranking index serves the page directly); in any other order a window function over the filtered
 * runs gives each its rank before the page is cut. Only the list columns are read: the heavy JSON stays on disk.
 */
export function listRunsSql(query: ListRunsQuery & { limit: number; offset: number }, columns: readonly ListColumn[]): { count: SqlQuery; page: SqlQuery; positional: boolean } {
  const { where, values } = whereSql(query);
  const count = { text: `SELECT count(*)::int AS total FROM runs r ${where}`, values };
  const outer = columns.map((c) => `r.${c.databaseName} AS "${c.propertyName}"`).join(', ');
  const order = orderSql(orderTerms(query.sort, query.order));
  const pageValues = [...values];
  const limit = `LIMIT $${pageValues.push(query.limit)} OFFSET $${pageValues.push(query.offset)}`;
  const positional = query.sort === undefined || query.sort === 'rank';
  if (positional) {
    return { count, positional, page: { text: `SELECT ${outer} FROM runs r ${where} ORDER BY ${order} ${limit}`, values: pageValues } };
  }
  // Rank and order narrow rows (id + the ordering columns) first, then fetch the page's 50 full rows by id:
  // sorting thousands of full rows is what made this path slow (see bench/board).
  const terms = orderTerms(query.sort, query.order);
  const narrow = [...new Set(terms.map(([c]) => c))].join(', ');
  const rank = `CASE WHEN r.auc IS NULL THEN NULL ELSE row_number() OVER (ORDER BY ${orderSql(RANKING_ORDER)}) END AS rank`;
  const text =
    `WITH page AS (SELECT * FROM (SELECT ${narrow}, ${rank} FROM runs r ${where}) r ORDER BY ${order} ${limit}) ` +
    `SELECT ${outer}, page.rank::int AS rank FROM page JOIN runs r ON r.id = page.id ORDER BY ${order.replace(/\br\./g, 'page.')}`;
  return { count, positional, page: { text, values: pageValues } };
}
