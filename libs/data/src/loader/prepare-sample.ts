import { readFileSync } from 'node:fs';
import { SeededRandom } from '@dfl/core';
import type { AugmentPipeline } from '../augment/augment-pipeline';
import { landmarkFractions } from '../dataset/landmarks';
import { resizeImage } from '../image/decode';
import type { ImageInputConfig } from '../image/input-config';
import { decodeJpegFileNormalizedInto, decodeJpegNormalizedInto, hasFastJpeg } from '../image/fast-jpeg';
import { normalizationTable, writeNormalized, type Mirror } from '../image/normalize';
import { flipHorizontal, flipVertical } from '../image/pixel-ops';
import { createImage, type RgbImage } from '../image/rgb-image';
import { loadImage, loadImageWithRect } from './load-image';
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
  /**
   * Read and decode JPEG files for the fused path synchronously (in a worker thread, which does nothing else);
   * otherwise both happen on libuv's pool.
   */
  readonly syncReads?: boolean;
}

/**
 * The work of one sample, the same in the loader's thread and in its workers: decode (cropping the face box when
 * the item has one), make the pseudo-fake when the sample is one, augment, and bring it to the input size. The
 * output is a pure function of the sample (its own seed), so which thread ran it never matters.
 */
export function samplePreparer(settings: PrepareSettings): (sample: StreamSample) => Promise<PreparedImage> {
  const { input, augment } = settings;
  return async (sample) => {
    const { item } = sample;
    // landmarks matter only to a pseudo-fake (SBI masks their hull): only then is the shown rectangle worked out
    const withLandmarks = augment !== undefined && sample.fake > 0 && item.landmarks !== undefined;
    let image: RgbImage;
    let landmarks: Array<[number, number]> | undefined;
    if (withLandmarks) {
      const loaded = await loadImageWithRect(item.path, input.size, input.interpolation, settings.fit, item.face);
      image = loaded.image;
      landmarks = landmarkFractions(item.landmarks!, loaded.rect);
    } else {
      image = await loadImage(item.path, input.size, input.interpolation, settings.fit, item.face);
    }
    let mirror: Mirror = { horizontal: false, vertical: false };
    if (augment) {
      const rng = new SeededRandom(sample.seed);
      const context = { landmarks, interpolation: input.interpolation };
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

const NO_MIRROR: Mirror = { horizontal: false, vertical: false };

/**
 * {@link samplePreparer} writing the sample's normalised floats into `out` at `offset` (what the loader's workers
 * run). A plain JPEG, with at most mirrors to apply and no face crop or pseudo-fake, goes through the fused native
 * decode-resize-normalise (the same floats, no intermediate image); everything else through the general path.
 * The mirror draws come from the sample's generator exactly as in the general path.
 */
export function samplePreparerInto(settings: PrepareSettings): (sample: StreamSample, out: Float32Array, offset: number) => Promise<void> {
  const { input, augment } = settings;
  const general = samplePreparer(settings);
  const table = normalizationTable(input.mean, input.std);
  const resize = { interpolation: input.interpolation, fit: settings.fit ?? 'fill' } as const;
  const fusable = hasFastJpeg() && (!augment || augment.mirrorsOnly);
  const noPixels = createImage(0, 0); // mirrors-only pipelines never read it
  // a missing or unreadable file gives false: the general path then names what is wrong with it
  const fused = (file: string, out: Float32Array, offset: number, mirror: Mirror): Promise<boolean> | boolean => {
    // in the loader's thread: read and decode on libuv's pool, so the cores decode while this thread hands out work
    if (!settings.syncReads) return decodeJpegFileNormalizedInto(file, out, offset, table, input.size, input.size, mirror, resize);
    // in a worker thread, which does nothing else: reading the (small) file here saves the promise machinery
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return false;
    }
    return decodeJpegNormalizedInto(bytes, out, offset, table, input.size, input.size, mirror, resize);
  };
  return async (sample, out, offset) => {
    if (fusable && sample.fake === 0 && !sample.item.face && /\.jpe?g$/i.test(sample.item.path)) {
      const mirror = augment
        ? (await augment.applyDeferringMirrors(noPixels, new SeededRandom(sample.seed).fork(2), { interpolation: input.interpolation })).mirror
        : NO_MIRROR;
      if (await fused(sample.item.path, out, offset, mirror)) return;
    }
    const { image, mirror } = await general(sample);
    writeNormalized(image, input.mean, input.std, out, offset, mirror);
  };
}
