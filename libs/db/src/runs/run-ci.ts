/** A confidence interval as `[low, high]` from its two columns; null unless both bounds are recorded. */
export function ciPair(low: number | null, high: number | null): [number, number] | null {
  return low === null || high === null ? null : [low, high];
}
