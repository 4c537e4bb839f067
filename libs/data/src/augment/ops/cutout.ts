import { Type } from '@sinclair/typebox';
import { cloneImage } from '../../image/rgb-image';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const cutout = defineAugmentation({
  name: 'cutout',
  description: 'erase `holes` random rectangles (side a fraction drawn from `size`) with black, grey or noise',
  role: 'transform',
  options: Type.Object(
    {
      holes: Type.Integer({ minimum: 1, default: 1, description: 'rectangles per image' }),
      size: Range(0.1, 0.4, 'rectangle side as a fraction of the image side', { exclusiveMinimum: 0, maximum: 1 }),
      fill: Type.Union([Type.Literal('black'), Type.Literal('gray'), Type.Literal('random')], {
        default: 'black',
        description: "'random' fills with uniform noise (random erasing)",
      }),
    },
    { additionalProperties: false },
  ),
  apply: (image, o, rng) => {
    const out = cloneImage(image);
    const { width: w, height: h } = image;
    for (let k = 0; k < o.holes; k++) {
      const cw = Math.max(1, Math.round(w * rng.uniform(o.size[0], o.size[1])));
      const ch = Math.max(1, Math.round(h * rng.uniform(o.size[0], o.size[1])));
      const left = rng.int(w - cw + 1);
      const top = rng.int(h - ch + 1);
      for (let y = top; y < top + ch; y++) {
        for (let x = left; x < left + cw; x++) {
          const i = (y * w + x) * 3;
          for (let c = 0; c < 3; c++) out.data[i + c] = o.fill === 'black' ? 0 : o.fill === 'gray' ? 128 : rng.int(256);
        }
      }
    }
    return out;
  },
});
