import { Type } from '@sinclair/typebox';
import { flipVertical } from '../../image/pixel-ops';
import { defineAugmentation } from '../augmentation-spec';

export const vflip = defineAugmentation({
  name: 'vflip',
  description: 'mirror top-bottom',
  role: 'transform',
  mirror: 'vertical',
  options: Type.Object({}, { additionalProperties: false }),
  apply: (image) => flipVertical(image),
});
