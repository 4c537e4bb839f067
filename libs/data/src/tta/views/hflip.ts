import { Type } from '@sinclair/typebox';
import { flipHorizontal } from '../../image/pixel-ops';
import { defineTtaView } from '../tta-view-spec';

export const hflipView = defineTtaView({
  name: 'hflip',
  description: 'the image mirrored left-right',
  options: Type.Object({}, { additionalProperties: false }),
  names: () => ['hflip'],
  render: (image) => [flipHorizontal(image)],
});
