import { promises as fs } from 'node:fs';
import { faceCropRect, type CropRect, type FaceCrop } from '../dataset/face-crop';
import { visibleRect } from '../dataset/landmarks';
import { decodeImage, displayedSize } from '../image/decode';
import { decodeJpegFile, hasFastJpeg } from '../image/fast-jpeg';
import type { Interpolation } from '../image/input-config';
import type { RgbImage } from '../image/rgb-image';

/** Why an image could not be used, phrased for a person reading the run report. */
export class ImageLoadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot load image ${path}: ${reason}`);
    this.name = 'ImageLoadError';
  }
}

/**
 * Reads and decodes one image file, resized to `size` (square), wrapping any failure in an {@link ImageLoadError}.
 * sharp reads the file itself on its worker thread (cheaper than reading it into a Buffer on the main thread);
 * only when decoding fails is the file looked at again, to tell "missing" and "empty" from "not an image".
 * With `face`, the face box plus its margin (clipped to the image) is cropped before resizing; a box lying wholly
 * outside the image leaves the whole image.
 */
export async function loadImage(path: string, size: number, interpolation: Interpolation, fit: 'fill' | 'cover' = 'fill', face?: FaceCrop): Promise<RgbImage> {
  return (await load(path, size, interpolation, fit, face, false)).image;
}

/**
 * {@link loadImage}, also giving the rectangle of the displayed image (pixels) that the output shows: the face crop
 * or the whole image, its centred square for fit `cover`. Costs a header read when there is no face crop.
 */
export async function loadImageWithRect(
  path: string,
  size: number,
  interpolation: Interpolation,
  fit: 'fill' | 'cover' = 'fill',
  face?: FaceCrop,
): Promise<{ image: RgbImage; rect: CropRect }> {
  const { image, rect } = await load(path, size, interpolation, fit, face, true);
  return { image, rect: rect as CropRect };
}

async function load(
  path: string,
  size: number,
  interpolation: Interpolation,
  fit: 'fill' | 'cover',
  face: FaceCrop | undefined,
  wantRect: boolean,
): Promise<{ image: RgbImage; rect: CropRect | null }> {
  try {
    // a plain JPEG without a face crop: decoded and resized on libuv's pool, the bytes the general path would give
    // (same decoder, same resize); else, or when it cannot take the file, sharp decodes it. A plain JPEG has no
    // EXIF orientation, so the displayed image is the stored one.
    const fast = !face && hasFastJpeg() && /\.jpe?g$/i.test(path) ? await decodeJpegFile(path, size, size, { interpolation, fit }) : null;
    if (fast) return { image: fast.image, rect: wantRect ? visibleRect(fast.sourceWidth, fast.sourceHeight, null, fit) : null };
    if (face || wantRect) return await decodeCropped(path, size, interpolation, fit, face, wantRect);
    return { image: await decodeImage(path, { size, interpolation, fit }), rect: null };
  } catch (err) {
    throw new ImageLoadError(path, await explainFailure(path, err as Error));
  }
}

/**
 * Decodes a file or bytes with the face crop (if any) taken from the displayed image (after EXIF orientation), and
 * the rectangle the output shows when asked: the one crop path of the loaders and of the test API.
 */
export async function decodeCropped(
  source: string | Buffer,
  size: number,
  interpolation: Interpolation,
  fit: 'fill' | 'cover',
  face: FaceCrop | undefined,
  wantRect = false,
): Promise<{ image: RgbImage; rect: CropRect | null }> {
  const { width, height } = await displayedSize(source);
  const crop = face ? (faceCropRect(face.box, face.margin, width, height) ?? undefined) : undefined;
  const image = await decodeImage(source, { size, interpolation, fit, crop });
  return { image, rect: wantRect ? visibleRect(width, height, crop ?? null, fit) : null };
}

async function explainFailure(path: string, err: Error): Promise<string> {
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return 'not a file';
    if (stat.size === 0) return 'empty file';
  } catch (statErr) {
    const code = (statErr as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'file not found' : (statErr as Error).message;
  }
  return `not a readable JPEG/PNG/WebP image (${err.message.split('\n')[0]})`;
}
