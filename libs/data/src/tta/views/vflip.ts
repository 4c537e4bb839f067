import { Type } from '@sinclair/typebox';
import { flipVertical } from '../../image/pixel-ops';
import { defineTtaView } from '../tta-view-spec';

export const vflipView = defineTtaView({
  name: 'vflip',
  description: 'the image mirrored top-bottom',
  options: Type.Object({}, { additionalProperties: false }),
  names: () => ['vflip'],
  render: (image) => [flipVertical(image)],
});
