import { Type } from '@sinclair/typebox';
import { rotationScaleInverse, warpAffine } from '../../image/pixel-ops';
import { defineAugmentation } from '../augmentation-spec';

export const rotate = defineAugmentation({
  name: 'rotate',
  description: 'rotate by a uniform angle in [-degrees, degrees] about the centre, same size (border repeated or filled)',
  role: 'transform',
  options: Type.Object(
    {
      degrees: Type.Number({ minimum: 0, maximum: 180, default: 15, description: 'largest rotation, in degrees' }),
      fill: Type.Union([Type.Literal('edge'), Type.Tuple([Type.Integer(), Type.Integer(), Type.Integer()])], {
        default: 'edge',
        description: "'edge' repeats the border; [r, g, b] fills the corners with a colour",
      }),
    },
    { additionalProperties: false },
  ),
  apply: (image, o, rng) => {
    const angle = rng.uniform(-o.degrees, o.degrees);
    return warpAffine(image, rotationScaleInverse(angle, 1, image.width / 2, image.height / 2), image.width, image.height, o.fill);
  },
});
