import type { ScratchArrays } from './scratch-arrays';

/*
 * Separable resampling of a rectangle of an RGB image through per-axis tap tables: a blur, a shrink, a bilinear
 * warp that only scales and shifts, or a blur and such a warp in one pass. By hand rather than with sharp: on a
 * 64–256 px face crop a sharp pipeline costs ~0.3 ms before any work and its blur ~1.5 ms, more than these loops.
 * Gaussian masks are cut where they fall below 0.2 of their peak, as sharp's blur and sharpen are (libvips
 * vips_gaussmat with min_ampl 0.2).
 */

/** Where each of `n` output cells along one axis reads the input: `count` clamped indices and normalised weights. */
export interface AxisTaps {
  readonly n: number;
  readonly count: number;
  readonly index: Int32Array;
  readonly weight: Float32Array;
  /** Smallest and largest input index read. */
  readonly first: number;
  readonly last: number;
}

/** A Gaussian of `sigma` input pixels (cut at 0.2 of its peak), or linear interpolation between the two neighbours. */
export type ResampleKernel = { readonly sigma: number } | 'bilinear';

/** Half-width, in sigmas, of a Gaussian cut where it falls below 0.2 of its peak: sqrt(2 ln 5) ≈ 1.79. */
const GAUSSIAN_REACH = Math.sqrt(2 * Math.log(5));

/**
 * Taps for n output cells whose centres sit at input positions clamp(a·i + b, 0, size − 1) (input pixel indices:
 * pixel j's centre is j). Clamping the position repeats the border, as do the clamped indices of a wide mask.
 */
export function axisTaps(scratch: ScratchArrays, name: string, n: number, a: number, b: number, size: number, kernel: ResampleKernel): AxisTaps {
  const bilinear = kernel === 'bilinear';
  // at least half a pixel either side, so every position has an index inside the mask
  const reach = bilinear ? 1 : Math.max(0.5, kernel.sigma * GAUSSIAN_REACH);
  // an even count (zero weights pad it): the resampling loops are written out for 2, 4, 6 and 8 taps
  const count = bilinear ? 2 : 2 * Math.ceil((Math.floor(2 * reach) + 1) / 2);
  const index = scratch.ints(name, n * count);
  const weight = scratch.floats(`${name}:w`, n * count);
  const twoSigma2 = bilinear ? 1 : 2 * kernel.sigma * kernel.sigma;
  let first = size;
  let last = 0;
  for (let i = 0, t = 0; i < n; i++, t += count) {
    let p = a * i + b;
    p = p < 0 ? 0 : p > size - 1 ? size - 1 : p;
    const start = bilinear ? Math.floor(p) : Math.ceil(p - reach);
    let sum = 0;
    for (let j = 0; j < count; j++) {
      const k = start + j;
      const d = k - p;
      const wgt = bilinear ? 1 - Math.abs(d) : d > reach ? 0 : Math.exp(-(d * d) / twoSigma2);
      const clamped = k < 0 ? 0 : k >= size ? size - 1 : k;
      index[t + j] = clamped;
      weight[t + j] = wgt;
      sum += wgt;
      if (wgt !== 0 && clamped < first) first = clamped;
      if (wgt !== 0 && clamped > last) last = clamped;
    }
    for (let j = 0; j < count; j++) weight[t + j] /= sum;
  }
  // a zero-weight tap may point past `last`: keep every index inside [first, last] so readers stay in bounds
  for (let t = 0; t < n * count; t++) if (index[t] < first) index[t] = first;
  for (let t = 0; t < n * count; t++) if (index[t] > last) index[t] = last;
  return { n, count, index, weight, first, last };
}

/** Interleaved RGB pixels of a window of a larger raster: pixel (x, y) at `data[((y - y0) * width + x - x0) * 3]`. */
export interface RgbWindow {
  readonly data: Uint8Array | Float32Array;
  readonly width: number;
  readonly x0: number;
  readonly y0: number;
}

/** Per output row, the output columns start..end-1 that are wanted (the others are left as they were). */
export interface RowSpans {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/**
 * `out` (rows.n × cols.n pixels, interleaved RGB) = `input` resampled through the taps: vertically first, each
 * output row a weighted sum of whole input rows (over the columns the horizontal taps read), then horizontally.
 * The taps must read inside the window. With `spans`, only those columns of each row are computed.
 */
export function resample(input: RgbWindow, rows: AxisTaps, cols: AxisTaps, out: Float32Array, scratch: ScratchArrays, spans?: RowSpans): void {
  const rowLen = (cols.last - cols.first + 1) * 3;
  const tmp = scratch.floats('resample:rows', rows.n * rowLen);
  const src = input.data;
  const stride = input.width * 3;
  const colOffset = (cols.first - input.x0) * 3;
  // Per tap count the sums are written out (the taps padded with zero weights to an even count): V8 runs the
  // vertical ones ~2.5x faster than an inner loop over the taps, the horizontal ones ~1.2x.
  const R = rows.count;
  const o = new Int32Array(Math.max(R, 8));
  const k = new Float64Array(Math.max(R, 8));
  for (let y = 0; y < rows.n; y++) {
    for (let t = 0; t < R; t++) {
      o[t] = (rows.index[y * R + t] - input.y0) * stride + colOffset;
      k[t] = rows.weight[y * R + t];
    }
    const d = y * rowLen;
    // the input columns the wanted outputs read: taps are sorted, so from the first's first to the last's last
    let lo = 0;
    let hi = rowLen;
    if (spans) {
      if (spans.end[y] <= spans.start[y]) continue;
      lo = (cols.index[spans.start[y] * cols.count] - cols.first) * 3;
      hi = (cols.index[spans.end[y] * cols.count - 1] - cols.first + 1) * 3;
    }
    const o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7]; // prettier-ignore
    const k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7]; // prettier-ignore
    if (R === 2) for (let i = lo; i < hi; i++) tmp[d + i] = src[o0 + i] * k0 + src[o1 + i] * k1;
    else if (R === 4) for (let i = lo; i < hi; i++) tmp[d + i] = src[o0 + i] * k0 + src[o1 + i] * k1 + src[o2 + i] * k2 + src[o3 + i] * k3;
    else if (R === 6) {
      for (let i = lo; i < hi; i++) tmp[d + i] = src[o0 + i] * k0 + src[o1 + i] * k1 + src[o2 + i] * k2 + src[o3 + i] * k3 + src[o4 + i] * k4 + src[o5 + i] * k5;
    } else if (R === 8) {
      for (let i = lo; i < hi; i++) {
        tmp[d + i] = src[o0 + i] * k0 + src[o1 + i] * k1 + src[o2 + i] * k2 + src[o3 + i] * k3 + src[o4 + i] * k4 + src[o5 + i] * k5 + src[o6 + i] * k6 + src[o7 + i] * k7;
      }
    } else {
      for (let i = lo; i < hi; i++) {
        let acc = 0;
        for (let t = 0; t < R; t++) acc += src[o[t] + i] * k[t];
        tmp[d + i] = acc;
      }
    }
  }
  const C = cols.count;
  const outLen = cols.n * 3;
  for (let y = 0; y < rows.n; y++) {
    const s = y * rowLen - cols.first * 3;
    const x0 = spans ? spans.start[y] : 0;
    const x1 = spans ? spans.end[y] : cols.n;
    let d = y * outLen + x0 * 3;
    if (C === 2) {
      for (let x = x0, t = x0 * 2; x < x1; x++, t += 2, d += 3) {
        const i0 = s + cols.index[t] * 3;
        const i1 = s + cols.index[t + 1] * 3;
        const w0 = cols.weight[t];
        const w1 = cols.weight[t + 1];
        out[d] = tmp[i0] * w0 + tmp[i1] * w1;
        out[d + 1] = tmp[i0 + 1] * w0 + tmp[i1 + 1] * w1;
        out[d + 2] = tmp[i0 + 2] * w0 + tmp[i1 + 2] * w1;
      }
      continue;
    }
    if (C === 4) {
      for (let x = x0, t = x0 * 4; x < x1; x++, t += 4, d += 3) {
        const i0 = s + cols.index[t] * 3, i1 = s + cols.index[t + 1] * 3, i2 = s + cols.index[t + 2] * 3, i3 = s + cols.index[t + 3] * 3; // prettier-ignore
        const w0 = cols.weight[t], w1 = cols.weight[t + 1], w2 = cols.weight[t + 2], w3 = cols.weight[t + 3]; // prettier-ignore
        out[d] = tmp[i0] * w0 + tmp[i1] * w1 + tmp[i2] * w2 + tmp[i3] * w3;
        out[d + 1] = tmp[i0 + 1] * w0 + tmp[i1 + 1] * w1 + tmp[i2 + 1] * w2 + tmp[i3 + 1] * w3;
        out[d + 2] = tmp[i0 + 2] * w0 + tmp[i1 + 2] * w1 + tmp[i2 + 2] * w2 + tmp[i3 + 2] * w3;
      }
      continue;
    }
    if (C === 6) {
      for (let x = x0, t = x0 * 6; x < x1; x++, t += 6, d += 3) {
        const i0 = s + cols.index[t] * 3, i1 = s + cols.index[t + 1] * 3, i2 = s + cols.index[t + 2] * 3; // prettier-ignore
        const i3 = s + cols.index[t + 3] * 3, i4 = s + cols.index[t + 4] * 3, i5 = s + cols.index[t + 5] * 3; // prettier-ignore
        const w0 = cols.weight[t], w1 = cols.weight[t + 1], w2 = cols.weight[t + 2], w3 = cols.weight[t + 3], w4 = cols.weight[t + 4], w5 = cols.weight[t + 5]; // prettier-ignore
        out[d] = tmp[i0] * w0 + tmp[i1] * w1 + tmp[i2] * w2 + tmp[i3] * w3 + tmp[i4] * w4 + tmp[i5] * w5;
        out[d + 1] = tmp[i0 + 1] * w0 + tmp[i1 + 1] * w1 + tmp[i2 + 1] * w2 + tmp[i3 + 1] * w3 + tmp[i4 + 1] * w4 + tmp[i5 + 1] * w5;
        out[d + 2] = tmp[i0 + 2] * w0 + tmp[i1 + 2] * w1 + tmp[i2 + 2] * w2 + tmp[i3 + 2] * w3 + tmp[i4 + 2] * w4 + tmp[i5 + 2] * w5;
      }
      continue;
    }
    for (let x = x0, t = x0 * C; x < x1; x++, d += 3) {
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      for (const end = t + C; t < end; t++) {
        const k = cols.weight[t];
        const i = s + cols.index[t] * 3;
        acc0 += tmp[i] * k;
        acc1 += tmp[i + 1] * k;
        acc2 += tmp[i + 2] * k;
      }
      out[d] = acc0;
      out[d + 1] = acc1;
      out[d + 2] = acc2;
    }
  }
}

/** Sigma (input pixels) of a Gaussian close to the triangle (bilinear) anti-alias filter of a shrink by `factor` < 1. */
export function antiAliasSigma(factor: number): number {
  // a triangle of half-width 1/factor has variance (1/factor)^2 / 6
  return 1 / factor / Math.sqrt(6);
}
