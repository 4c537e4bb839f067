import { Type } from '@sinclair/typebox';
import { clampByte, createImage } from '../../image/rgb-image';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const gaussianNoise = defineAugmentation({
  name: 'gaussian_noise',
  description: 'add Gaussian noise with a standard deviation (in 0..255 levels) drawn from `std`',
  role: 'transform',
  options: Type.Object(
    {
      std: Range(3, 15, 'noise standard deviation range, in 0..255 pixel levels', { minimum: 0 }),
      per_channel: Type.Boolean({ default: true, description: 'independent noise per channel (false: the same value on R, G, B)' }),
    },
    { additionalProperties: false },
  ),
  apply: (image, o, rng) => {
    const std = rng.uniform(o.std[0], o.std[1]);
    const src = image.data;
    const out = createImage(image.width, image.height);
    for (let i = 0; i < src.length; i += 3) {
      const shared = o.per_channel ? 0 : rng.normal(0, std);
      for (let c = 0; c < 3; c++) out.data[i + c] = clampByte(src[i + c] + (o.per_channel ? rng.normal(0, std) : shared));
    }
    return out;
  },
});
