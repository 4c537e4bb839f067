import type { FaceBox } from '@dfl/data';

export type ParsedBox = { readonly ok: true; readonly box: FaceBox | undefined } | { readonly ok: false; readonly reason: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SHAPE = 'box must be 4 numbers [x1, y1, x2, y2] (pixels of the displayed image: left, top, right, bottom)';

/**
 * A request's face box: `"box": [x1, y1, x2, y2]` in a JSON body, or `?box=x1,y1,x2,y2` (for uploads). The same
 * rules as a face-box CSV row: numbers, 0 <= x1 < x2, 0 <= y1 < y2; whether it lies on the image is checked once
 * the image is read. Absent (undefined or null in the JSON, no query parameter): no box.
 */
export function parseBox(body: unknown, query: unknown): ParsedBox {
  if (body === null) body = undefined; // {"box": null}: no box, as leaving it out
  if (body !== undefined && query !== undefined) return { ok: false, reason: 'give the box once: "box" in the JSON body or ?box= in the URL, not both' };
  if (body === undefined && query === undefined) return { ok: true, box: undefined };
  let values: unknown[];
  if (body !== undefined) {
    if (!Array.isArray(body)) return { ok: false, reason: `${SHAPE}, got ${JSON.stringify(body)}` };
    values = body;
  } else {
    if (typeof query !== 'string') return { ok: false, reason: `${SHAPE} as ?box=x1,y1,x2,y2 (once), got ${JSON.stringify(query)}` };
    values = query.split(',').map((v) => (NUMBER.test(v.trim()) ? Number(v) : v));
  }
  if (values.length !== 4 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return { ok: false, reason: `${SHAPE}, got ${body !== undefined ? JSON.stringify(body) : `'${String(query)}'`}` };
  }
  const [x1, y1, x2, y2] = values as number[];
  const names = ['x1', 'y1', 'x2', 'y2'];
  const negative = (values as number[]).findIndex((v) => v < 0);
  if (negative >= 0) return { ok: false, reason: `box: ${names[negative]} must be >= 0, got ${values[negative] as number}` };
  if (!(x2 > x1)) return { ok: false, reason: `box: x2 must be greater than x1, got x1=${x1} x2=${x2}` };
  if (!(y2 > y1)) return { ok: false, reason: `box: y2 must be greater than y1, got y1=${y1} y2=${y2}` };
  return { ok: true, box: { x1, y1, x2, y2 } };
}
