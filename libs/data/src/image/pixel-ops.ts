import { createImage, type RgbImage } from './rgb-image';

/*
 * Cheap per-pixel operations on small images, by hand in typed-array loops: for a 64–256 px face crop a round trip
 * through sharp (copy in, encode raw, copy out) costs more than the arithmetic itself.
 */

export function flipHorizontal(image: RgbImage): RgbImage {
  const { width: w, height: h, data } = image;
  const out = createImage(w, h);
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let x = 0; x < w; x++) {
      const s = row + x * 3;
      const d = row + (w - 1 - x) * 3;
      out.data[d] = data[s];
      out.data[d + 1] = data[s + 1];
      out.data[d + 2] = data[s + 2];
    }
  }
  return out;
}

export function flipVertical(image: RgbImage): RgbImage {
  const { width: w, height: h, data } = image;
  const out = createImage(w, h);
  const stride = w * 3;
  for (let y = 0; y < h; y++) out.data.set(data.subarray(y * stride, (y + 1) * stride), (h - 1 - y) * stride);
  return out;
}

/**
 * Affine warp with bilinear sampling: output pixel (x, y) reads the source at `inverse · (x, y, 1)`.
 * Outside the source the border pixel is repeated (`edge`) or `fill` is used.
 */
export function warpAffine(
  image: RgbImage,
  inverse: readonly [number, number, number, number, number, number],
  outWidth = image.width,
  outHeight = image.height,
  fill: readonly [number, number, number] | 'edge' = 'edge',
): RgbImage {
  const { width: w, height: h, data } = image;
  const out = createImage(outWidth, outHeight);
  const [a, b, c, d, e, f] = inverse;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sx = a * (x + 0.5) + b * (y + 0.5) + c - 0.5;
      let sy = d * (x + 0.5) + e * (y + 0.5) + f - 0.5;
      const o = (y * outWidth + x) * 3;
      if (fill !== 'edge' && (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5)) {
        out.data[o] = fill[0];
        out.data[o + 1] = fill[1];
        out.data[o + 2] = fill[2];
        continue;
      }
      sx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
      sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i00 = (y0 * w + x0) * 3;
      const i01 = (y0 * w + x1) * 3;
      const i10 = (y1 * w + x0) * 3;
      const i11 = (y1 * w + x1) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      // a convex combination of bytes stays in 0..255: rounding is enough, no clamping
      out.data[o] = (data[i00] * w00 + data[i01] * w01 + data[i10] * w10 + data[i11] * w11 + 0.5) | 0;
      out.data[o + 1] = (data[i00 + 1] * w00 + data[i01 + 1] * w01 + data[i10 + 1] * w10 + data[i11 + 1] * w11 + 0.5) | 0;
      out.data[o + 2] = (data[i00 + 2] * w00 + data[i01 + 2] * w01 + data[i10 + 2] * w10 + data[i11 + 2] * w11 + 0.5) | 0;
    }
  }
  return out;
}

/** Inverse affine of a rotation by `degrees` and a scale about (cx, cy), for {@link warpAffine}. */
export function rotationScaleInverse(
  degrees: number,
  scale: number,
  cx: number,
  cy: number,
  tx = 0,
  ty = 0,
): [number, number, number, number, number, number] {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t) / scale;
  const sin = Math.sin(t) / scale;
  // source = R^-1 (dest - c - t) / s + c
  const ox = cx + tx;
  const oy = cy + ty;
  return [cos, sin, cx - cos * ox - sin * oy, -sin, cos, cy + sin * ox - cos * oy];
}

/**
 * Separable Gaussian blur of a single-channel float map, in place (edges clamp). Rows of zeros stay zero and are
 * skipped (masks are mostly empty around a shape), and only the columns within `radius` of an edge pay for the
 * clamping; each output is still summed in kernel order, so the result is what the plain double loop gives.
 */
export function blurFloatMap(map: Float32Array, width: number, height: number, sigma: number): void {
  if (sigma <= 0) return;
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
    sum += kernel[i + radius];
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const taps = kernel.length;
  const tmp = new Float32Array(map.length);
  let firstRow = height;
  let lastRow = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let empty = true;
    for (let x = 0; x < width && empty; x++) empty = map[row + x] === 0;
    if (empty) continue; // a blurred row of zeros is zeros, and tmp starts at 0
    if (firstRow > y) firstRow = y;
    lastRow = y;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      if (x >= radius && x + radius < width) {
        for (let k = 0, s = row + x - radius; k < taps; k++) acc += map[s + k] * kernel[k];
      } else {
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
          acc += map[row + xx] * kernel[k + radius];
        }
      }
      tmp[row + x] = acc;
    }
  }
  // rows further than `radius` from every non-empty row read only zeros: they were and stay 0
  const yEnd = Math.min(height - 1, lastRow + radius);
  for (let y = Math.max(0, firstRow - radius); y <= yEnd; y++) {
    const inside = y >= radius && y + radius < height;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      if (inside) {
        for (let k = 0, s = (y - radius) * width + x; k < taps; k++, s += width) acc += tmp[s] * kernel[k];
      } else {
        for (let k = -radius; k <= radius; k++) {
          const yy = y + k < 0 ? 0 : y + k >= height ? height - 1 : y + k;
          acc += tmp[yy * width + x] * kernel[k + radius];
        }
      }
      map[y * width + x] = acc;
    }
  }
}

/** RGB → HSV in [0,1) hue, [0,1] saturation and value. */
export function rgbToHsv(r: number, g: number, b: number, out: Float32Array): void {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h /= 6;
  }
  out[0] = h;
  out[1] = max === 0 ? 0 : d / max;
  out[2] = max / 255;
}

/** HSV (as from {@link rgbToHsv}) → RGB bytes into `out`. */
export function hsvToRgb(h: number, s: number, v: number, out: Float32Array): void {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  let r: number, g: number, b: number;
  switch (((i % 6) + 6) % 6) {
    case 0: r = v; g = t; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
  out[0] = r * 255;
  out[1] = g * 255;
  out[2] = b * 255;
}

/** Mean gray level (ITU-R 601 luma) of an image. */
export function meanLuma(image: RgbImage): number {
  const d = image.data;
  let acc = 0;
  for (let i = 0; i < d.length; i += 3) acc += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
  return acc / (d.length / 3);
}
