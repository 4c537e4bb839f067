import { Type } from '@sinclair/typebox';
import { defineAugmentation } from '../augmentation-spec';
import { defaultSelfBlendOptions as d, selfBlend } from '../sbi/self-blend';
import { Range } from './range';

/**
 * Self-blended images as a training-time source of fakes: `p` is how many pseudo-fakes (label 1) the loader makes
 * per real image each epoch (1 = one per real; 0.5 = for half of them; 2 = two). Real images are kept as they are.
 */
export const sbi = defineAugmentation({
  name: 'sbi',
  description: 'self-blended image (Shiohara & Yamasaki 2022): p pseudo-fakes per real image, blended from a perturbed copy of itself',
  role: 'fake_source',
  options: Type.Object(
    {
      color_shift: Type.Number({ minimum: 0, maximum: 255, default: d.color_shift, description: 'largest per-channel colour shift of the copy (levels)' }),
      brightness_contrast: Type.Number({ minimum: 0, maximum: 1, default: d.brightness_contrast, description: 'brightness/contrast change of the copy, +-fraction' }),
      sharpness: Range(d.sharpness[0], d.sharpness[1], '< 0 blurs the copy with sigma |v| px, > 0 sharpens it'),
      scale: Range(d.scale[0], d.scale[1], 'rescale factor of the copy about the centre', { exclusiveMinimum: 0 }),
      translate: Type.Number({ minimum: 0, maximum: 0.5, default: d.translate, description: 'largest shift of the copy, fraction of the size' }),
      resample_p: Type.Number({ minimum: 0, maximum: 1, default: d.resample_p, description: 'probability of a shrink-and-enlarge of the copy' }),
      mask_blur: Range(d.mask_blur[0], d.mask_blur[1], 'mask edge softness, sigma as a fraction of the width', { minimum: 0 }),
      blend: Range(d.blend[0], d.blend[1], 'blend ratio range (drawn half the time, else 1)', { minimum: 0, maximum: 1 }),
    },
    { additionalProperties: false },
  ),
  apply: async (image, o, rng, ctx) => (await selfBlend(image, rng, o, ctx.landmarks)).image,
});
