import * as path from 'node:path';
import type { Interpolation } from './input-config';
import type { Mirror } from './normalize';
import type { ResampleBox } from './resample';
import type { RgbImage } from './rgb-image';

/*
 * The JPEG fast path: `native/jpeg_decode.c` (+ `native/resample.c`), built at install when libjpeg's headers are
 * present. It decodes plain JPEGs (no EXIF block, no ICC profile, not CMYK, no libjpeg warning) with the same
 * libjpeg-turbo code as sharp, so the same pixels, and resizes them with the same Pillow-exact resize as the
 * general path (resample.ts), in about a third of the general path's time (bench/data); for anything else it
 * returns null and the caller uses sharp. Loaded by a guarded require: without the addon, sharp decodes and
 * resample.ts resizes everything, with the same bytes.
 */

interface JpegAddon {
  decodeFile(path: string, width: number, height: number, filter: number, fit: number): Promise<(RgbImage & { sourceWidth: number; sourceHeight: number }) | null>;
  decodeNormalized(bytes: Uint8Array, out: Float32Array, offset: number, table: Float32Array, width: number, height: number, mirrorX: boolean, mirrorY: boolean, filter: number, fit: number): boolean;
  decodeFileNormalized(path: string, out: Float32Array, offset: number, table: Float32Array, width: number, height: number, mirrorX: boolean, mirrorY: boolean, filter: number, fit: number): Promise<boolean>;
  resample(data: Uint8Array, width: number, height: number, outWidth: number, outHeight: number, filter: number, box: Float32Array): Uint8Array;
}

/** How an image is brought to the input size: Pillow's filter, and fill (squash) or cover (centred crop). */
export interface ResizeSpec {
  readonly interpolation: Interpolation;
  readonly fit: 'fill' | 'cover';
}

const FILTER: Record<Interpolation, number> = { nearest: 0, bilinear: 1, bicubic: 2 };
const FIT = { fill: 0, cover: 1 } as const;

let addon: JpegAddon | null | undefined;
/** Why the addon is not in use, when it is not. */
let missing = '';
const ADDON_PATH = path.join(__dirname, '..', '..', 'build', 'Release', 'dfl_jpeg.node');

function load(): JpegAddon | null {
  if (addon !== undefined) return addon;
  if (process.env.DFL_JPEG_ADDON === 'off') {
    missing = 'disabled by DFL_JPEG_ADDON=off';
    return (addon = null);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional native addon, absent unless built
    addon = require(ADDON_PATH) as JpegAddon;
  } catch (err) {
    missing =
      (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
        ? 'not built (install libjpeg62-turbo-dev, then npm rebuild @dfl/data or npm ci)'
        : `failed to load: ${(err as Error).message.split('\n')[0]}`;
    addon = null;
  }
  return addon;
}

/** True when the JPEG fast path is built and enabled (`DFL_JPEG_ADDON=off` disables it). */
export function hasFastJpeg(): boolean {
  return load() !== null;
}

/** For `dfl doctor`: whether the loader's JPEG fast path is in use, and if not, why and how to get it. */
export function fastJpegStatus(): { available: boolean; detail: string } {
  if (load()) return { available: true, detail: `${ADDON_PATH} (libjpeg-turbo; reads and decodes on libuv's pool, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4})` };
  return { available: false, detail: `${missing}; sharp decodes every image (same pixels, slower)` };
}

/**
 * A plain JPEG file decoded and brought to width x height as Pillow's resize would (`resize`), read and decoded on
 * libuv's thread pool (the calling thread, which may be running a model, never waits on a decode), with the size
 * of the image as stored; or null when the fast path cannot take it (not a plain JPEG, or a file it cannot read:
 * the caller's general path names the problem).
 */
export function decodeJpegFile(file: string, width: number, height: number, resize: ResizeSpec): Promise<{ image: RgbImage; sourceWidth: number; sourceHeight: number } | null> {
  const fast = load();
  if (!fast) return Promise.resolve(null);
  return fast.decodeFile(file, width, height, FILTER[resize.interpolation], FIT[resize.fit]).then((r) =>
    r ? { image: { width: r.width, height: r.height, data: r.data }, sourceWidth: r.sourceWidth, sourceHeight: r.sourceHeight } : null,
  );
}

/**
 * Decodes a plain JPEG straight into normalised floats at width x height (brought there as `resize` says when it is
 * another size; `table` from `normalizationTable`), mirrored as asked: the floats `decodeImage` + `writeNormalized`
 * would give, without the RGB arrays between. False (and nothing to rely on in `out`) when the fast path cannot
 * take this image.
 */
export function decodeJpegNormalizedInto(bytes: Uint8Array, out: Float32Array, offset: number, table: Float32Array, width: number, height: number, mirror: Mirror, resize: ResizeSpec): boolean {
  return load()?.decodeNormalized(bytes, out, offset, table, width, height, mirror.horizontal, mirror.vertical, FILTER[resize.interpolation], FIT[resize.fit]) ?? false;
}

/**
 * {@link decodeJpegNormalizedInto} for a file, read and decoded on libuv's thread pool: the calling thread only
 * hands out the work, so as many images decode at once as the pool has threads. `out` must not be read at those
 * floats until the promise settles. False when the file cannot be read or the fast path cannot take it (the caller
 * then uses the general path, which names what is wrong with the file).
 */
export function decodeJpegFileNormalizedInto(
  file: string,
  out: Float32Array,
  offset: number,
  table: Float32Array,
  width: number,
  height: number,
  mirror: Mirror,
  resize: ResizeSpec,
): Promise<boolean> {
  const fast = load();
  if (!fast) return Promise.resolve(false);
  return fast.decodeFileNormalized(file, out, offset, table, width, height, mirror.horizontal, mirror.vertical, FILTER[resize.interpolation], FIT[resize.fit]);
}

/** resample.ts' `resample` in C (the same bytes), or null without the addon. */
export function resampleNative(image: RgbImage, width: number, height: number, interpolation: Interpolation, box: ResampleBox): RgbImage | null {
  const fast = load();
  if (!fast) return null;
  const data = fast.resample(image.data, image.width, image.height, width, height, FILTER[interpolation], Float32Array.of(box.left, box.top, box.right, box.bottom));
  return { width, height, data };
}
