import { Type } from '@sinclair/typebox';
import sharp from 'sharp';
import { sharpFromImage, sharpToImage } from '../../image/decode';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const jpeg = defineAugmentation({
  name: 'jpeg',
  description: 'JPEG re-compression at an integer quality drawn from `quality` (sharp/mozjpeg)',
  role: 'transform',
  options: Type.Object(
    { quality: Range(30, 95, 'JPEG quality range, inclusive', { minimum: 1, maximum: 100 }) },
    { additionalProperties: false },
  ),
  apply: async (image, o, rng) => {
    const lo = Math.round(Math.min(o.quality[0], o.quality[1]));
    const hi = Math.round(Math.max(o.quality[0], o.quality[1]));
    const quality = lo + rng.int(hi - lo + 1);
    const bytes = await sharpFromImage(image).jpeg({ quality }).toBuffer();
    return sharpToImage(sharp(bytes));
  },
});
