import { Type } from '@sinclair/typebox';
import { cropResize } from '../../image/decode';
import type { Interpolation } from '../../image/input-config';
import type { RgbImage } from '../../image/rgb-image';
import { defineTtaView } from '../tta-view-spec';

export const CROP_NAMES = ['top_left', 'top_right', 'bottom_left', 'bottom_right', 'center'] as const;

export const CropOptions = Type.Object(
  { fraction: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.875, description: 'side of each crop as a fraction of the image side' }) },
  { additionalProperties: false },
);

/** The four corner crops and the centre crop, each resized back to the image size (torchvision's FiveCrop). */
export function fiveCrops(image: RgbImage, fraction: number, interpolation: Interpolation): Promise<RgbImage[]> {
  const { width: w, height: h } = image;
  const cw = Math.max(1, Math.round(w * fraction));
  const ch = Math.max(1, Math.round(h * fraction));
  const origins = [
    [0, 0],
    [w - cw, 0],
    [0, h - ch],
    [w - cw, h - ch],
    [(w - cw) >> 1, (h - ch) >> 1],
  ];
  return Promise.all(origins.map(([left, top]) => cropResize(image, { left, top, width: cw, height: ch }, w, h, interpolation)));
}

export const fiveCropView = defineTtaView({
  name: 'five_crop',
  description: 'four corner crops and the centre crop, each resized back to the input size',
  options: CropOptions,
  names: () => CROP_NAMES.map((n) => `five_crop.${n}`),
  render: (image, o, interpolation) => fiveCrops(image, o.fraction, interpolation),
});
