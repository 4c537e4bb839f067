/** One config path whose value is not the same in every compared config. */
export interface ConfigDiffRow {
  /** Dotted path, array items as `[i]` (`train.optimizer.lr`, `tta.views[1]`). */
  readonly path: string;
  /** Each config's value at the path, in the order given; `undefined` where a config does not have it. */
  readonly values: readonly unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where two or more configs differ, leaf by leaf: objects are compared key by key (keys sorted, so key order never
 * matters), arrays item by item (one added augmentation is one row, the item whole), anything else by JSON
 * equality. Used by `dfl diff`, `dfl reproduce` and the leaderboard's compare view, so they always agree.
 */
export function configDiff(configs: readonly unknown[]): ConfigDiffRow[] {
  const rows: ConfigDiffRow[] = [];
  walk(configs, '', rows);
  return rows;
}

function walk(values: readonly unknown[], path: string, rows: ConfigDiffRow[]): void {
  if (values.every(isObject)) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v as Record<string, unknown>)))].sort();
    for (const k of keys) walk(values.map((v) => (v as Record<string, unknown>)[k]), path === '' ? k : `${path}.${k}`, rows);
    return;
  }
  if (values.every(Array.isArray)) {
    const length = Math.max(...values.map((v) => (v as unknown[]).length));
    for (let i = 0; i < length; i++) walk(values.map((v) => (v as unknown[])[i]), `${path}[${i}]`, rows);
    return;
  }
  const keys = values.map((v) => (v === undefined ? '\u0000absent' : JSON.stringify(v)));
  if (keys.some((k) => k !== keys[0])) rows.push({ path: path === '' ? '(root)' : path, values: [...values] });
}
