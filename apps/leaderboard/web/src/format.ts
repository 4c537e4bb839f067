// Number and date formatting shared by the pages: one place decides how many digits a metric shows.

export function metric(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

export function ci(range: [number, number] | null | undefined, digits = 3): string {
  return range ? `${range[0].toFixed(digits)}–${range[1].toFixed(digits)}` : '';
}

export function integer(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : x.toLocaleString('en-US');
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * `2026-11-26 14:03` in the viewer's time zone (`short`: `11-26 14:03` within the current year, for the table);
 * the full ISO time goes in the title attribute.
 */
export function dateTime(iso: string | null | undefined, short = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return short && d.getFullYear() === new Date().getFullYear() ? day : `${d.getFullYear()}-${day}`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** TPR at FPR=1e-3 rests on few negatives below this count: 1e-3 of it is less than one false positive. */
export const MIN_NEGATIVES_FOR_TPR = 1000;
