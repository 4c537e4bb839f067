import type { SeededRandom } from '@dfl/core';
import { blurFloatMap } from '../../image/pixel-ops';

export interface BlendMaskOptions {
  /** Gaussian softening of the edge, as a fraction of the image width (range drawn per image). */
  readonly blur: readonly [number, number];
  /** Largest blend ratio is 1; the ratio is drawn from `blend` half the time and is 1 otherwise (as in SBI). */
  readonly blend: readonly [number, number];
  /** Landmarks (fractions of width/height): their convex hull is the mask. Without them, a face-centred ellipse. */
  readonly landmarks?: ReadonlyArray<readonly [number, number]>;
}

/** Values below this are set to 0, so "outside the mask" is exactly where the mask is 0. */
const CUTOFF = 1 / 64;

export interface BlendMask {
  /** Blend weight of the perturbed copy per pixel, row-major, in [0, 1]. */
  readonly weights: Float32Array;
  /** Every pixel outside this rectangle (ends exclusive) has weight 0; it may be empty (x1 <= x0). */
  readonly box: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
  /** Per row of the box: the columns from the first to the last weight > 0 (start..end-1; empty when equal). */
  readonly spans: { readonly start: Int32Array; readonly end: Int32Array };
}

/**
 * A soft blending mask in [0, 1] (one float per pixel): a jittered face-centred ellipse with a wobbly outline, or the
 * convex hull of the landmarks scaled and shifted a little; then blurred, renormalised and scaled by a blend ratio.
 */
export function makeBlendMask(width: number, height: number, rng: SeededRandom, options: BlendMaskOptions): BlendMask {
  // The mask is smooth, so it is drawn and blurred at <= 64 px and enlarged: a 256 px blur with sigma 15 px costs
  // ~50 ms, at 64 px under 2 ms.
  const k = Math.min(1, MASK_RESOLUTION / Math.max(width, height));
  const mw = Math.max(1, Math.round(width * k));
  const mh = Math.max(1, Math.round(height * k));
  const small = new Float32Array(mw * mh);
  if (options.landmarks && options.landmarks.length >= 3) fillHull(small, mw, mh, options.landmarks, rng);
  else fillEllipse(small, mw, mh, rng);
  blurFloatMap(small, mw, mh, rng.uniform(options.blur[0], options.blur[1]) * mw);
  let max = 0;
  for (let i = 0; i < small.length; i++) if (small[i] > max) max = small[i];
  const ratio = rng.chance(0.5) ? 1 : rng.uniform(options.blend[0], options.blend[1]);
  return enlargeAboveCutoff(small, mw, mh, width, height, max > 0 ? ratio / max : 0);
}

const MASK_RESOLUTION = 64;

/**
 * Bilinear enlargement of a float map (pixel centres aligned), times `scale`, with values under {@link CUTOFF} set
 * to 0. Only the pixels that read a small cell at or above the cutoff are computed: a bilinear mix of cells all
 * below it is below it too, so everything else is 0 (a face mask leaves a quarter to a half of the crop out).
 */
function enlargeAboveCutoff(src: Float32Array, sw: number, sh: number, dw: number, dh: number, scale: number): BlendMask {
  const weights = new Float32Array(dw * dh);
  let cx0 = sw;
  let cx1 = -1;
  let cy0 = sh;
  let cy1 = -1;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      if (src[y * sw + x] * scale < CUTOFF) continue;
      if (x < cx0) cx0 = x;
      if (x > cx1) cx1 = x;
      if (y < cy0) cy0 = y;
      if (y > cy1) cy1 = y;
    }
  }
  const xs = bilinearTaps(sw, dw);
  const ys = bilinearTaps(sh, dh);
  // taps are non-decreasing in the pixel index, so the pixels reading cells in [c0, c1] are one run
  const run = (t: ReturnType<typeof bilinearTaps>, n: number, c0: number, c1: number) => {
    let a = 0;
    while (a < n && t.i1[a] < c0) a++;
    let b = n;
    while (b > a && t.i0[b - 1] > c1) b--;
    return [a, b] as const;
  };
  const [x0, x1] = cx1 < 0 ? [0, 0] : run(xs, dw, cx0, cx1);
  const [y0, y1] = cy1 < 0 ? [0, 0] : run(ys, dh, cy0, cy1);
  // separable: the small rows the box reads, enlarged across the box's columns, then mixed per output row
  const bw = x1 - x0;
  const firstRow = y1 > y0 ? ys.i0[y0] : 0;
  const lastRow = y1 > y0 ? ys.i1[y1 - 1] : -1;
  const wide = new Float32Array(Math.max(0, lastRow - firstRow + 1) * bw);
  for (let r = firstRow; r <= lastRow; r++) {
    const s = r * sw;
    const d = (r - firstRow) * bw - x0;
    for (let x = x0; x < x1; x++) {
      const a = src[s + xs.i0[x]];
      wide[d + x] = a + (src[s + xs.i1[x]] - a) * xs.f[x];
    }
  }
  const start = new Int32Array(Math.max(0, y1 - y0));
  const end = new Int32Array(Math.max(0, y1 - y0));
  for (let y = y0; y < y1; y++) {
    const top = (ys.i0[y] - firstRow) * bw - x0;
    const bottom = (ys.i1[y] - firstRow) * bw - x0;
    const fy = ys.f[y];
    const row = y * dw;
    let first = x1;
    let last = x0 - 1;
    for (let x = x0; x < x1; x++) {
      const t = wide[top + x];
      const v = (t + (wide[bottom + x] - t) * fy) * scale;
      if (v < CUTOFF) continue; // weights start at 0
      weights[row + x] = v;
      if (first === x1) first = x;
      last = x;
    }
    start[y - y0] = first;
    end[y - y0] = Math.max(first, last + 1);
  }
  return { weights, box: { x0, y0, x1, y1 }, spans: { start, end } };
}

/** For each of n destination pixels: the two source cells a bilinear resize from m cells reads, and the fraction. */
function bilinearTaps(m: number, n: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float32Array(n);
  for (let x = 0; x < n; x++) {
    const s = Math.min(m - 1, Math.max(0, ((x + 0.5) * m) / n - 0.5));
    i0[x] = Math.floor(s);
    i1[x] = Math.min(m - 1, i0[x] + 1);
    f[x] = s - i0[x];
  }
  return { i0, i1, f };
}

function fillEllipse(mask: Float32Array, w: number, h: number, rng: SeededRandom): void {
  // face crops: the face fills most of the crop, centre slightly below the middle (eyes above, chin below)
  const cx = w * (0.5 + rng.uniform(-0.04, 0.04));
  const cy = h * (0.54 + rng.uniform(-0.04, 0.04));
  const rx = w * 0.3 * rng.uniform(0.85, 1.15);
  const ry = h * 0.38 * rng.uniform(0.85, 1.15);
  const ks = [2, 3, 5];
  const amp = ks.map(() => rng.uniform(0, 0.06));
  const phase = ks.map(() => rng.uniform(0, 2 * Math.PI));
  const maxWobble = amp[0] + amp[1] + amp[2];
  const inner = (1 - maxWobble) ** 2;
  const outer = (1 + maxWobble) ** 2;
  for (let y = 0; y < h; y++) {
    const dy = (y + 0.5 - cy) / ry;
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5 - cx) / rx;
      const d2 = dx * dx + dy * dy;
      if (d2 > outer) continue;
      if (d2 > inner) {
        // only near the outline does the wobble decide
        const theta = Math.atan2(dy, dx);
        const r = 1 + amp[0] * Math.sin(ks[0] * theta + phase[0]) + amp[1] * Math.sin(ks[1] * theta + phase[1]) + amp[2] * Math.sin(ks[2] * theta + phase[2]);
        if (d2 > r * r) continue;
      }
      mask[y * w + x] = 1;
    }
  }
}

function fillHull(mask: Float32Array, w: number, h: number, landmarks: ReadonlyArray<readonly [number, number]>, rng: SeededRandom): void {
  const pts = landmarks.map(([x, y]) => [x * w, y * h] as [number, number]);
  const hull = convexHull(pts);
  const cx = hull.reduce((s, p) => s + p[0], 0) / hull.length;
  const cy = hull.reduce((s, p) => s + p[1], 0) / hull.length;
  const scale = rng.uniform(0.9, 1.1);
  const jittered = hull.map(([x, y]) => [cx + (x - cx) * scale + rng.uniform(-0.02, 0.02) * w, cy + (y - cy) * scale + rng.uniform(-0.02, 0.02) * h] as [number, number]);
  const poly = convexHull(jittered);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (insideConvex(poly, x + 0.5, y + 0.5)) mask[y * w + x] = 1;
}

/** Andrew's monotone chain; counter-clockwise (in y-down image coordinates: clockwise on screen), no repeats. */
export function convexHull(points: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const p = [...points].map((q) => [q[0], q[1]] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Array<[number, number]> = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

function insideConvex(poly: ReadonlyArray<readonly [number, number]>, x: number, y: number): boolean {
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0) return false;
  }
  return true;
}
