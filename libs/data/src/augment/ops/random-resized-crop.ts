import { Type } from '@sinclair/typebox';
import { cropResize } from '../../image/decode';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const randomResizedCrop = defineAugmentation({
  name: 'random_resized_crop',
  description: "crop a random area (fraction `scale`, aspect `ratio`) and resize it back to the image size (torchvision's RandomResizedCrop)",
  role: 'transform',
  options: Type.Object(
    {
      scale: Range(0.08, 1, 'area of the crop as a fraction of the image', { minimum: 0, maximum: 1 }),
      ratio: Range(3 / 4, 4 / 3, 'aspect ratio (width / height) of the crop, drawn log-uniformly', { minimum: 0 }),
    },
    { additionalProperties: false },
  ),
  apply: (image, o, rng, ctx) => {
    const { width: w, height: h } = image;
    const area = w * h;
    // torchvision's ten tries, then a centre crop fallback
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * rng.uniform(o.scale[0], o.scale[1]);
      const ratio = Math.exp(rng.uniform(Math.log(o.ratio[0]), Math.log(o.ratio[1])));
      const cw = Math.round(Math.sqrt(target * ratio));
      const ch = Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        const left = rng.int(w - cw + 1);
        const top = rng.int(h - ch + 1);
        return cropResize(image, { left, top, width: cw, height: ch }, w, h, ctx.interpolation);
      }
    }
    const side = Math.min(w, h);
    return cropResize(image, { left: (w - side) >> 1, top: (h - side) >> 1, width: side, height: side }, w, h, ctx.interpolation);
  },
});
