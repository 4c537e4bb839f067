/**
 * The one in-memory image type of the data pipeline: 8-bit RGB, row-major HWC (`data[(y * width + x) * 3 + c]`).
 * Augmentations take and return it; only the last step turns it into normalised float32 (see `normalize.ts`).
 * 8-bit keeps a 256 px image at 192 KiB and matches what sharp decodes to, so no conversion sits between them.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A black image of the given size. */
export function createImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

export function cloneImage(image: RgbImage): RgbImage {
  return { width: image.width, height: image.height, data: image.data.slice() };
}

/** Clamps and rounds a float pixel value to 0..255. */
export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
