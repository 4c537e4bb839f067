import { SeededRandom } from '@dfl/core';
import type { AugmentPipeline } from '../augment/augment-pipeline';
import { resizeImage } from '../image/decode';
import type { ImageInputConfig } from '../image/input-config';
import type { Mirror } from '../image/normalize';
import { flipHorizontal, flipVertical } from '../image/pixel-ops';
import type { RgbImage } from '../image/rgb-image';
import { loadImage } from './load-image';
import type { StreamSample } from './stream-batches';

/** One training sample, decoded and augmented, at the input size; `mirror` is still to be done by the normaliser. */
export interface PreparedImage {
  readonly image: RgbImage;
  readonly mirror: Mirror;
}

export interface PrepareSettings {
  readonly input: ImageInputConfig;
  readonly augment?: AugmentPipeline;
  readonly fit?: 'fill' | 'cover';
}

/**
 * The work of one sample, the same in the loader's thread and in its workers: decode (cropping the face box when
 * the item has one), make the pseudo-fake when the sample is one, augment, and bring it to the input size. The
 * output is a pure function of the sample (its own seed), so which thread ran it never matters.
 */
export function samplePreparer(settings: PrepareSettings): (sample: StreamSample) => Promise<PreparedImage> {
  const { input, augment } = settings;
  return async (sample) => {
    let image = await loadImage(sample.item.path, input.size, input.interpolation, settings.fit, sample.item.face);
    let mirror: Mirror = { horizontal: false, vertical: false };
    if (augment) {
      const rng = new SeededRandom(sample.seed);
      const context = { landmarks: sample.item.landmarks, interpolation: input.interpolation };
      if (sample.fake > 0) image = await augment.makeFake(image, rng.fork(1), context);
      ({ image, mirror } = await augment.applyDeferringMirrors(image, rng.fork(2), context));
    }
    if (image.width !== input.size || image.height !== input.size) {
      // a step changed the size: mirror first, so the result is what the steps in order would give
      if (mirror.horizontal) image = flipHorizontal(image);
      if (mirror.vertical) image = flipVertical(image);
      mirror = { horizontal: false, vertical: false };
      image = await resizeImage(image, input.size, input.size, input.interpolation);
    }
    return { image, mirror };
  };
}
