import { resampleNative } from './fast-jpeg';
import type { Interpolation } from './input-config';
import type { RgbImage } from './rgb-image';

/*
 * Resizing exactly as Pillow's Image.resize does it (Pillow 9, libImaging/Resample.c and Geometry.c), so an image
 * reaches the model as the same bytes that torchvision's `Resize` gives a PIL image: a model trained or ported from
 * PyTorch sees its own preprocessing. Bilinear and bicubic are Pillow's two-pass convolution, with the filter
 * widened by the scale factor when shrinking (antialiasing) and 22-bit fixed-point weights; nearest is Pillow's
 * affine nearest-neighbour scaling. `box` is Pillow's source box (left, top, right, bottom; fractions allowed).
 * The native JPEG path (native/resample.c) is the same arithmetic in C; specs check both against Pillow's bytes.
 */

export interface ResampleBox {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/**
 * The source box that fills a width x height output: the whole image for `fill` (squashed), or for `cover` its
 * centred part of the output's shape. The JPEG fast path computes the same box (native/jpeg_decode.c, fit_box).
 */
export function fitBox(imageWidth: number, imageHeight: number, width: number, height: number, fit: 'fill' | 'cover'): ResampleBox {
  let bw = imageWidth;
  let bh = imageHeight;
  if (fit === 'cover') {
    if (width * imageHeight >= height * imageWidth) bh = (imageWidth * height) / width;
    else bw = (imageHeight * width) / height;
  }
  const left = (imageWidth - bw) / 2;
  const top = (imageHeight - bh) / 2;
  return { left, top, right: left + bw, bottom: top + bh };
}

/** {@link resample} in C when the JPEG addon is built (the same bytes, several times faster), else in JS. */
export function resize(image: RgbImage, width: number, height: number, interpolation: Interpolation, box?: ResampleBox): RgbImage {
  const b = box ?? { left: 0, top: 0, right: image.width, bottom: image.height };
  return resampleNative(image, width, height, interpolation, b) ?? resample(image, width, height, interpolation, b);
}

const PRECISION_BITS = 32 - 8 - 2;

interface Filter {
  readonly support: number;
  weight(x: number): number;
}

const FILTERS: Record<'bilinear' | 'bicubic', Filter> = {
  bilinear: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/** Per output pixel: the first input pixel, how many it reads, and their fixed-point weights (ksize per pixel). */
interface Coefficients {
  readonly ksize: number;
  readonly bounds: Int32Array;
  readonly weights: Int32Array;
}

function coefficients(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coefficients {
  // Pillow takes the box as C floats: their difference is a float before it becomes a double
  const scale = Math.fround(Math.fround(in1) - Math.fround(in0)) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = Math.fround(in0) + (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const count = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      k[x] = filter.weight((x + xmin - center + 0.5) * ss);
      sum += k[x];
    }
    for (let x = 0; x < count; x++) {
      const w = sum !== 0 ? k[x] / sum : k[x];
      // the (int) cast of C truncates: round half away from zero by adding +-0.5 first
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = Math.max(0, count);
  }
  return { ksize, bounds, weights };
}

/** Pillow's clip8: the fixed-point sum to a byte (an arithmetic shift, so negatives floor to 0). */
function clip8(sum: number): number {
  const v = Math.floor(sum / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Resizes an RGB image to width x height, from `box` of it (default: all of it), as Pillow's Image.resize. */
export function resample(image: RgbImage, width: number, height: number, interpolation: Interpolation, box?: ResampleBox): RgbImage {
  const b = box ?? { left: 0, top: 0, right: image.width, bottom: image.height };
  if (width === image.width && height === image.height && b.left === 0 && b.top === 0 && b.right === image.width && b.bottom === image.height) {
    return { width, height, data: image.data.slice() };
  }
  if (interpolation === 'nearest') return nearest(image, width, height, b);
  const filter = FILTERS[interpolation];
  const horizontal = coefficients(image.width, b.left, b.right, width, filter);
  const vertical = coefficients(image.height, b.top, b.bottom, height, filter);
  const needHorizontal = width !== image.width || b.left !== 0 || b.right !== width;
  const needVertical = height !== image.height || b.top !== 0 || b.bottom !== height;
  // only the rows the vertical pass reads are resampled horizontally
  const firstRow = vertical.bounds[0];
  const lastRow = vertical.bounds[height * 2 - 2] + vertical.bounds[height * 2 - 1];
  let current = image;
  let rowShift = 0;
  if (needHorizontal) {
    current = horizontalPass(image, width, firstRow, lastRow, horizontal);
    rowShift = firstRow;
  }
  if (needVertical) current = verticalPass(current, height, rowShift, vertical);
  return current === image ? { width, height, data: image.data.slice() } : current;
}

function horizontalPass(image: RgbImage, width: number, firstRow: number, lastRow: number, c: Coefficients): RgbImage {
  const rows = lastRow - firstRow;
  const out = new Uint8Array(width * rows * 3);
  const src = image.data;
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < rows; y++) {
    const row = (y + firstRow) * image.width * 3;
    for (let xx = 0; xx < width; xx++) {
      const xmin = c.bounds[xx * 2];
      const count = c.bounds[xx * 2 + 1];
      const k = xx * c.ksize;
      let s0 = half;
      let s1 = half;
      let s2 = half;
      for (let x = 0; x < count; x++) {
        const w = c.weights[k + x];
        const i = row + (x + xmin) * 3;
        s0 += src[i] * w;
        s1 += src[i + 1] * w;
        s2 += src[i + 2] * w;
      }
      const o = (y * width + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width, height: rows, data: out };
}

function verticalPass(image: RgbImage, height: number, rowShift: number, c: Coefficients): RgbImage {
  const { width } = image;
  const out = new Uint8Array(width * height * 3);
  const src = image.data;
  const half = 1 << (PRECISION_BITS - 1);
  for (let yy = 0; yy < height; yy++) {
    const ymin = c.bounds[yy * 2] - rowShift;
    const count = c.bounds[yy * 2 + 1];
    const k = yy * c.ksize;
    for (let xx = 0; xx < width; xx++) {
      let s0 = half;
      let s1 = half;
      let s2 = half;
      for (let y = 0; y < count; y++) {
        const w = c.weights[k + y];
        const i = ((y + ymin) * width + xx) * 3;
        s0 += src[i] * w;
        s1 += src[i + 1] * w;
        s2 += src[i + 2] * w;
      }
      const o = (yy * width + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width, height, data: out };
}

/** Pillow's nearest resize: an affine scaling sampling at pixel centres, positions accumulated as it steps. */
function nearest(image: RgbImage, width: number, height: number, b: ResampleBox): RgbImage {
  const sx = Math.fround(Math.fround(b.right) - Math.fround(b.left)) / width;
  const sy = Math.fround(Math.fround(b.bottom) - Math.fround(b.top)) / height;
  const coord = (v: number) => (v < 0 ? -1 : Math.trunc(v));
  const columns = new Int32Array(width);
  let xo = Math.fround(b.left) + sx * 0.5;
  for (let x = 0; x < width; x++) {
    columns[x] = Math.min(image.width - 1, Math.max(0, coord(xo)));
    xo += sx;
  }
  const out = new Uint8Array(width * height * 3);
  let yo = Math.fround(b.top) + sy * 0.5;
  for (let y = 0; y < height; y++) {
    const row = Math.min(image.height - 1, Math.max(0, coord(yo))) * image.width * 3;
    for (let x = 0; x < width; x++) {
      const i = row + columns[x] * 3;
      const o = (y * width + x) * 3;
      out[o] = image.data[i];
      out[o + 1] = image.data[i + 1];
      out[o + 2] = image.data[i + 2];
    }
    yo += sy;
  }
  return { width, height, data: out };
}
