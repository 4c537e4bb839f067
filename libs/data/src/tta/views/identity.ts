import { Type } from '@sinclair/typebox';
import { defineTtaView } from '../tta-view-spec';

export const identityView = defineTtaView({
  name: 'identity',
  description: 'the image as evaluated without TTA',
  options: Type.Object({}, { additionalProperties: false }),
  names: () => ['identity'],
  render: (image) => [image],
});
