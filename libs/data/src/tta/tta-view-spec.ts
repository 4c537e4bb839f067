import type { PluginSpec } from '@dfl/core';
import type { Static, TObject } from '@sinclair/typebox';
import type { Interpolation } from '../image/input-config';
import type { RgbImage } from '../image/rgb-image';

/**
 * A test-time-augmentation view (`tta.views: [{name, ...options}]`). One entry may stand for several images
 * (five_crop gives five): `names` lists them, `render` makes them, each the size of the input image.
 * Views are deterministic (no randomness), so evaluation, `promote` and the test API score the same pixels.
 */
export interface TtaViewSpec<O extends TObject = TObject> extends PluginSpec<O> {
  names(options: Static<O>): string[];
  render(image: RgbImage, options: Static<O>, interpolation: Interpolation): RgbImage[] | Promise<RgbImage[]>;
}

export function defineTtaView<O extends TObject>(spec: TtaViewSpec<O>): TtaViewSpec<O> {
  return spec;
}
