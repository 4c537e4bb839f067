import { decodeImage, displayedSize, faceCropRect, ImageLoadError, loadImage, resizeImage, writeNormalized, type Batch, type FaceBox, type ImageInputConfig, type RgbImage, type TtaViewSet } from '@dfl/data';

/** A request's face box that cannot be cropped from its image; `reason` is what the client is told. */
export class FaceBoxOutsideError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FaceBoxOutsideError';
  }
}

export const formatBox = (b: FaceBox): string => `[${b.x1}, ${b.y1}, ${b.x2}, ${b.y2}]`;

/**
 * The TTA views of one image's face crop, as one Batch per view: the pixels the evaluation loader gives a dataset
 * item with `face` (`createTtaLoader`: `loadImage` with the crop, the views, a resize, normalisation), so a request
 * with a box scores as promote's CSV does. The data lib's `ttaBatchFromImages` takes no box; this is its face-crop
 * twin (promote's parity check compares the two paths on every promotion). A box lying wholly outside the image
 * throws a {@link FaceBoxOutsideError} rather than silently scoring the whole frame; an unreadable image throws an
 * ImageLoadError naming it.
 */
export async function faceCropViews(
  image: { readonly name: string; readonly source: Buffer | string; readonly box: FaceBox },
  margin: number,
  input: ImageInputConfig,
  views: TtaViewSet,
): Promise<Batch[]> {
  const { width, height } = await displayedSize(image.source).catch((err: Error) => {
    throw new ImageLoadError(image.name, `not a readable JPEG/PNG/WebP image (${err.message.split('\n')[0]})`);
  });
  const crop = faceCropRect(image.box, margin, width, height);
  if (!crop) throw new FaceBoxOutsideError(`${image.name}: box ${formatBox(image.box)} lies outside the ${width}x${height} image`);
  const face = { box: image.box, margin };
  let decoded: RgbImage;
  if (typeof image.source === 'string') {
    decoded = await loadImage(image.source, input.size, input.interpolation, 'fill', face);
  } else {
    // loadImage's face branch, on bytes: the same sharp pipeline (oriented at input, extract, flatten, resize)
    decoded = await decodeImage(image.source, { size: input.size, interpolation: input.interpolation, fit: 'fill', crop }).catch((err: Error) => {
      throw new ImageLoadError(image.name, `not a readable JPEG/PNG/WebP image (${err.message.split('\n')[0]})`);
    });
  }
  const rendered = await views.render(decoded, input.interpolation);
  const pixels = input.size * input.size * 3;
  return Promise.all(
    rendered.map(async (view) => {
      const images = new Float32Array(pixels);
      writeNormalized(await resizeImage(view, input.size, input.size, input.interpolation), input.mean, input.std, images, 0);
      return { images, shape: [1, input.size, input.size, 3] as const, labels: Int32Array.of(-1), names: [image.name], synthetic: new Uint8Array(1), size: 1 };
    }),
  );
}
