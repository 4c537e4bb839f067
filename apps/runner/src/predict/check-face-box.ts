import { displayedSize, faceCropRect, ImageLoadError, type FaceBox } from '@dfl/data';

/** A request's face box that cannot be cropped from its image; `reason` is what the client is told. */
export class FaceBoxOutsideError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FaceBoxOutsideError';
  }
}

export const formatBox = (b: FaceBox): string => `[${b.x1}, ${b.y1}, ${b.x2}, ${b.y2}]`;

/**
 * Refuses a request's box that lies wholly outside its image: the test API answers 400 rather than silently scoring
 * the whole frame (promote and predict, like the training loader, score such an image whole). An unreadable image
 * throws an ImageLoadError naming it.
 */
export async function assertBoxInside(image: { readonly name: string; readonly source: Buffer | string; readonly box: FaceBox }, margin: number): Promise<void> {
  const { width, height } = await displayedSize(image.source).catch((err: Error) => {
    throw new ImageLoadError(image.name, `not a readable JPEG/PNG/WebP image (${err.message.split('\n')[0]})`);
  });
  if (!faceCropRect(image.box, margin, width, height)) throw new FaceBoxOutsideError(`${image.name}: box ${formatBox(image.box)} lies outside the ${width}x${height} image`);
}
