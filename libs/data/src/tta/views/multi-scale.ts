import { Type } from '@sinclair/typebox';
import { rotationScaleInverse, warpAffine } from '../../image/pixel-ops';
import { defineTtaView } from '../tta-view-spec';

export const multiScaleView = defineTtaView({
  name: 'multi_scale',
  description: 'the image zoomed about its centre by each factor in `scales` (> 1 zooms in, < 1 out with the border repeated)',
  options: Type.Object(
    {
      scales: Type.Array(Type.Number({ minimum: 0.25, maximum: 4 }), { minItems: 1, default: [0.9, 1, 1.1], description: 'zoom factors' }),
    },
    { additionalProperties: false },
  ),
  names: (o) => o.scales.map((s) => `multi_scale.${s}`),
  render: (image, o) =>
    o.scales.map((s) => (s === 1 ? image : warpAffine(image, rotationScaleInverse(0, s, image.width / 2, image.height / 2)))),
});
