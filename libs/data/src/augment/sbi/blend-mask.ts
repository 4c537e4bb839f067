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

/**
 * A soft blending mask in [0, 1] (one float per pixel): a jittered face-centred ellipse with a wobbly outline, or the
 * convex hull of the landmarks scaled and shifted a little; then blurred, renormalised and scaled by a blend ratio.
 */
export function makeBlendMask(width: number, height: number, rng: SeededRandom, options: BlendMaskOptions): Float32Array {
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
  const scale = max > 0 ? ratio / max : 0;
  const mask = mw === width && mh === height ? small : enlarge(small, mw, mh, width, height);
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i] * scale;
    mask[i] = v < CUTOFF ? 0 : v;
  }
  return mask;
}

const MASK_RESOLUTION = 64;

/** Bilinear enlargement of a float map (pixel centres aligned). */
function enlarge(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const x0s = new Int32Array(dw);
  const x1s = new Int32Array(dw);
  const fxs = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(sw - 1, x0s[x] + 1);
    fxs[x] = sx - x0s[x];
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const r0 = Math.floor(sy) * sw;
    const r1 = Math.min(sh - 1, Math.floor(sy) + 1) * sw;
    const fy = sy - Math.floor(sy);
    const row = y * dw;
    for (let x = 0; x < dw; x++) {
      const a = x0s[x];
      const b = x1s[x];
      const fx = fxs[x];
      const top = src[r0 + a] + (src[r0 + b] - src[r0 + a]) * fx;
      const bottom = src[r1 + a] + (src[r1 + b] - src[r1 + a]) * fx;
      out[row + x] = top + (bottom - top) * fy;
    }
  }
  return out;
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
