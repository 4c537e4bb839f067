import { Type } from '@sinclair/typebox';
import { resizeImage } from '../../image/decode';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const downscale = defineAugmentation({
  name: 'downscale',
  description: 'shrink by a factor drawn from `scale`, then enlarge back (resampling traces, lost detail)',
  role: 'transform',
  options: Type.Object(
    {
      scale: Range(0.25, 0.75, 'shrink factor range', { exclusiveMinimum: 0, maximum: 1 }),
      interpolation: Type.Union([Type.Literal('bilinear'), Type.Literal('bicubic'), Type.Literal('nearest')], {
        default: 'bilinear',
        description: 'kernel for both resizes',
      }),
    },
    { additionalProperties: false },
  ),
  apply: async (image, o, rng) => {
    const s = rng.uniform(o.scale[0], o.scale[1]);
    const small = await resizeImage(image, Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s)), o.interpolation);
    return resizeImage(small, image.width, image.height, o.interpolation);
  },
});
