import type { RgbImage } from './rgb-image';

/**
 * Writes `(pixel / 255 - mean) / std` per channel into `out` (NHWC) starting at `offset` (in floats), so a batch is
 * filled in place and handed to `tf.tensor4d(out, [n, h, w, 3])` without a copy. A 256-entry table per channel
 * replaces the division per pixel.
 */
export function writeNormalized(
  image: RgbImage,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array,
  offset = 0,
): void {
  const lut = normalizationTable(mean, std);
  const src = image.data;
  const n = image.width * image.height * 3;
  if (offset + n > out.length) throw new RangeError(`normalised image does not fit: needs ${offset + n} floats, has ${out.length}`);
  for (let i = 0; i < n; i += 3) {
    out[offset + i] = lut[src[i]];
    out[offset + i + 1] = lut[256 + src[i + 1]];
    out[offset + i + 2] = lut[512 + src[i + 2]];
  }
}

const tables = new Map<string, Float32Array>();

function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array {
  const key = `${mean.join(',')}|${std.join(',')}`;
  let lut = tables.get(key);
  if (!lut) {
    lut = new Float32Array(768);
    for (let c = 0; c < 3; c++) {
      if (!(std[c] > 0)) throw new RangeError(`std must be > 0, got ${std[c]} for channel ${c}`);
      for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]) / std[c];
    }
    tables.set(key, lut);
  }
  return lut;
}
