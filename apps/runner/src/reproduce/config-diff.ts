import { configDiff } from '@dfl/experiment';

/** One field that differs between two configs; `undefined` where a side does not have it. */
export interface ConfigChange {
  /** Dotted path, array items as `[i]` (`train.optimizer.lr`, `tta.views[1].name`). */
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** Every leaf where two configs differ (see `configDiff` in @dfl/experiment: the leaderboard's compare uses it too). */
export function diffConfigs(a: unknown, b: unknown): ConfigChange[] {
  return configDiff([a, b]).map(({ path, values }) => ({ path, a: values[0], b: values[1] }));
}

/** A value as one line for a diff listing. */
export function formatValue(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}
