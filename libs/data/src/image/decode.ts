import sharp, { type Sharp } from 'sharp';
import type { Interpolation } from './input-config';
import { fitBox, resize } from './resample';
import type { RgbImage } from './rgb-image';

export interface DecodeOptions {
  /** Output size in pixels (square when a number). Omit to keep the image's own size. */
  readonly size?: number | { readonly width: number; readonly height: number };
  readonly interpolation?: Interpolation;
  /** `fill` squashes the whole picture to the size (face crops keep the whole face); `cover` crops the centre. */
  readonly fit?: 'fill' | 'cover';
  /** A rectangle of the displayed (EXIF-oriented) image to keep, before resizing (a face crop). */
  readonly crop?: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
}

/**
 * Decodes JPEG, PNG or WebP (a path or the bytes) to RGB with sharp: EXIF orientation applied, grayscale expanded
 * to RGB, alpha flattened onto black, then (with `size`) brought to the size as Pillow's Image.resize would
 * (`resize`: the bytes torchvision's Resize gives a PIL image, so the JPEG fast path and this path agree too).
 * Truncated or corrupt files throw instead of giving grey pixels.
 */
export async function decodeImage(input: string | Buffer, options: DecodeOptions = {}): Promise<RgbImage> {
  // orienting at input (rather than with .autoOrient()) makes `extract` take the crop from the displayed image
  let pipeline = options.crop
    ? sharp(input, { failOn: 'truncated', autoOrient: true }).extract(options.crop)
    : sharp(input, { failOn: 'truncated' }).autoOrient();
  pipeline = pipeline.flatten({ background: { r: 0, g: 0, b: 0 } });
  const { data, info } = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, data: toRgb(data, info.channels, info.width * info.height) };
  if (options.size === undefined) return image;
  const { width, height } = typeof options.size === 'number' ? { width: options.size, height: options.size } : options.size;
  if (width === image.width && height === image.height) return image;
  return resize(image, width, height, options.interpolation ?? 'bilinear', fitBox(image.width, image.height, width, height, options.fit ?? 'fill'));
}

function toRgb(data: Buffer, channels: number, pixels: number): Uint8Array {
  // sharp hands over a fresh buffer per call: view it rather than copy it
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, pixels * 3);
  const rgb = new Uint8Array(pixels * 3);
  // sharp keeps one band for grayscale sources even when asked for sRGB on some inputs; expand (or drop alpha) here.
  for (let i = 0; i < pixels; i++) {
    if (channels < 3) {
      const v = data[i * channels];
      rgb[i * 3] = v;
      rgb[i * 3 + 1] = v;
      rgb[i * 3 + 2] = v;
    } else {
      rgb[i * 3] = data[i * channels];
      rgb[i * 3 + 1] = data[i * channels + 1];
      rgb[i * 3 + 2] = data[i * channels + 2];
    }
  }
  return rgb;
}

/** Width and height of the image as displayed (after its EXIF orientation), from the header alone. */
export async function displayedSize(input: string | Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(input).metadata();
  return { width: meta.autoOrient.width, height: meta.autoOrient.height };
}

/** A sharp pipeline reading an RgbImage. */
export function sharpFromImage(image: RgbImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** Runs a sharp pipeline to an RgbImage (3 channels, raw). */
export async function sharpToImage(pipeline: Sharp): Promise<RgbImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: toRgb(data, info.channels, info.width * info.height) };
}

/** Resizes (squashes) an image to width × height, as Pillow's Image.resize. */
export async function resizeImage(image: RgbImage, width: number, height: number, interpolation: Interpolation = 'bilinear'): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  return resize(image, width, height, interpolation);
}

/**
 * Crops a rectangle and resizes it to width × height, as torchvision's resized_crop does to a PIL image (crop,
 * then Image.resize: pixels outside the rectangle play no part).
 */
export async function cropResize(
  image: RgbImage,
  crop: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
  interpolation: Interpolation = 'bilinear',
): Promise<RgbImage> {
  return resize(cropImage(image, crop), width, height, interpolation);
}

/** A copy of an integer rectangle of an image. */
function cropImage(image: RgbImage, crop: { left: number; top: number; width: number; height: number }): RgbImage {
  const data = new Uint8Array(crop.width * crop.height * 3);
  for (let y = 0; y < crop.height; y++) {
    const from = ((crop.top + y) * image.width + crop.left) * 3;
    data.set(image.data.subarray(from, from + crop.width * 3), y * crop.width * 3);
  }
  return { width: crop.width, height: crop.height, data };
}

/** Encodes an image (PNG for lossless, JPEG at a quality otherwise). */
export async function encodeImage(image: RgbImage, format: 'png' | 'jpeg' | 'webp', quality = 90): Promise<Buffer> {
  const p = sharpFromImage(image);
  if (format === 'png') return p.png().toBuffer();
  if (format === 'webp') return p.webp({ quality }).toBuffer();
  return p.jpeg({ quality }).toBuffer();
}
