import { Type } from '@sinclair/typebox';
import { flipHorizontal } from '../../image/pixel-ops';
import { defineAugmentation } from '../augmentation-spec';

export const hflip = defineAugmentation({
  name: 'hflip',
  description: 'mirror left-right',
  role: 'transform',
  mirror: 'horizontal',
  options: Type.Object({}, { additionalProperties: false }),
  apply: (image) => flipHorizontal(image),
});
