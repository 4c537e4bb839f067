import type { RgbImage } from './rgb-image';

/** Mirrors applied while copying (deferred flips: the same pixels a flip step would give, without its copy). */
export interface Mirror {
  readonly horizontal: boolean;
  readonly vertical: boolean;
}

const NO_MIRROR: Mirror = { horizontal: false, vertical: false };

/**
 * Writes `(pixel / 255 - mean) / std` per channel into `out` (NHWC) starting at `offset` (in floats), so a batch is
 * filled in place and handed to `tf.tensor4d(out, [n, h, w, 3])` without a copy. A 256-entry table per channel
 * ({@link normalizationTable}) replaces the arithmetic per pixel. `mirror` flips the image on the way (the loader
 * defers hflip/vflip steps here: the one pass over the pixels that must happen anyway does the flip for free).
 */
export function writeNormalized(
  image: RgbImage,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array,
  offset = 0,
  mirror: Mirror = NO_MIRROR,
): void {
  const lut = normalizationTable(mean, std);
  const { width: w, height: h, data: src } = image;
  const stride = w * 3;
  if (offset + h * stride > out.length) throw new RangeError(`normalised image does not fit: needs ${offset + h * stride} floats, has ${out.length}`);
  for (let y = 0; y < h; y++) {
    const s = y * stride;
    let d = offset + (mirror.vertical ? h - 1 - y : y) * stride;
    if (!mirror.horizontal) {
      for (let i = s, end = s + stride; i < end; i += 3, d += 3) {
        out[d] = lut[src[i]];
        out[d + 1] = lut[256 + src[i + 1]];
        out[d + 2] = lut[512 + src[i + 2]];
      }
    } else {
      d += stride - 3;
      for (let i = s, end = s + stride; i < end; i += 3, d -= 3) {
        out[d] = lut[src[i]];
        out[d + 1] = lut[256 + src[i + 1]];
        out[d + 2] = lut[512 + src[i + 2]];
      }
    }
  }
}

const tables = new Map<string, Float32Array>();

/**
 * The normalisation of every byte v of channel c: `(v / 255 - mean[c]) / std[c]`, computed as float32
 * `v * scale[c] + bias[c]` (scale = 1 / (255 std), bias = -mean / std; within 2 ulp of the exact value). The
 * table holds it at `c * 256 + v`, then scale[3] and bias[3] (774 floats): the JPEG fast path's vector loop
 * computes the same float32 multiply and add and so gives the table's floats bit for bit (Math.fround after each
 * operation is float32 arithmetic exactly: doubles have enough precision that rounding twice is harmless).
 * Cached per (mean, std).
 */
export function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array {
  const key = `${mean.join(',')}|${std.join(',')}`;
  let table = tables.get(key);
  if (!table) {
    table = new Float32Array(768 + 6);
    for (let c = 0; c < 3; c++) {
      if (!(std[c] > 0)) throw new RangeError(`std must be > 0, got ${std[c]} for channel ${c}`);
      const scale = Math.fround(1 / (255 * std[c]));
      const bias = Math.fround(-mean[c] / std[c]);
      table[768 + c] = scale;
      table[771 + c] = bias;
      for (let v = 0; v < 256; v++) table[c * 256 + v] = Math.fround(Math.fround(v * scale) + bias);
    }
    tables.set(key, table);
  }
  return table;
}
