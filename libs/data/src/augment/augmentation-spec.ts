import type { PluginSpec, SeededRandom } from '@dfl/core';
import type { Static, TObject } from '@sinclair/typebox';
import type { Interpolation } from '../image/input-config';
import type { RgbImage } from '../image/rgb-image';

/** What an augmentation may know about the image besides its pixels. */
export interface AugmentContext {
  /** Face landmarks in the image, as fractions of width and height (x, y in 0..1). SBI takes their hull as mask. */
  readonly landmarks?: ReadonlyArray<readonly [number, number]>;
  /** The backbone's interpolation, for augmentations that resample. */
  readonly interpolation: Interpolation;
}

/**
 * An augmentation step (`augment: [{name, p, ...options}]`). `apply` runs with probability `p`; `rng` is the
 * image's own generator (forked per image and epoch), so results do not depend on decoding order.
 * `role: 'fake_source'` (SBI) is not applied in place: the loader uses it to make extra fake samples, `p` per real.
 */
export interface AugmentationSpec<O extends TObject = TObject> extends PluginSpec<O> {
  readonly role: 'transform' | 'fake_source';
  /**
   * Set on a pure mirror (hflip, vflip): the pipeline may defer it into the loader's final normalising copy, which
   * gives the same pixels without an intermediate image. `apply` must still do the flip for other callers.
   */
  readonly mirror?: 'horizontal' | 'vertical';
  apply(image: RgbImage, options: Static<O>, rng: SeededRandom, context: AugmentContext): RgbImage | Promise<RgbImage>;
}

/** Identity helper that keeps the option type of a plug-in file precise. */
export function defineAugmentation<O extends TObject>(spec: AugmentationSpec<O>): AugmentationSpec<O> {
  return spec;
}
