/** A metric as the CLI prints it: 4 decimals, '—' when there is none (not recorded, or NaN). */
export function fmt4(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4);
}
