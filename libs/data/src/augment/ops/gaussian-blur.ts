import { Type } from '@sinclair/typebox';
import { sharpFromImage, sharpToImage } from '../../image/decode';
import { defineAugmentation } from '../augmentation-spec';
import { Range } from './range';

export const gaussianBlur = defineAugmentation({
  name: 'gaussian_blur',
  description: 'Gaussian blur with a sigma (pixels) drawn from `sigma` (sharp)',
  role: 'transform',
  options: Type.Object({ sigma: Range(0.3, 2, 'blur sigma range in pixels (sharp needs >= 0.3)', { minimum: 0.3 }) }, { additionalProperties: false }),
  apply: (image, o, rng) => sharpToImage(sharpFromImage(image).blur(rng.uniform(o.sigma[0], o.sigma[1]))),
});
