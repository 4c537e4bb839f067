import { Type } from '@sinclair/typebox';
import { cropResize } from '../../image/decode';
import { defineAugmentation } from '../augmentation-spec';

export const centerCrop = defineAugmentation({
  name: 'center_crop',
  description: 'keep the central `fraction` of each side and resize it back to the image size',
  role: 'transform',
  options: Type.Object(
    { fraction: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.875, description: 'kept fraction of width and height' }) },
    { additionalProperties: false },
  ),
  apply: (image, o, _rng, ctx) => {
    const { width: w, height: h } = image;
    const cw = Math.max(1, Math.round(w * o.fraction));
    const ch = Math.max(1, Math.round(h * o.fraction));
    return cropResize(image, { left: (w - cw) >> 1, top: (h - ch) >> 1, width: cw, height: ch }, w, h, ctx.interpolation);
  },
});
