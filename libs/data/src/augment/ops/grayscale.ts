import { Type } from '@sinclair/typebox';
import { clampByte, createImage } from '../../image/rgb-image';
import { defineAugmentation } from '../augmentation-spec';

export const grayscale = defineAugmentation({
  name: 'grayscale',
  description: 'replace the colours by their luma (kept as three equal channels)',
  role: 'transform',
  options: Type.Object({}, { additionalProperties: false }),
  apply: (image) => {
    const src = image.data;
    const out = createImage(image.width, image.height);
    for (let i = 0; i < src.length; i += 3) {
      const v = clampByte(0.299 * src[i] + 0.587 * src[i + 1] + 0.114 * src[i + 2]);
      out.data[i] = v;
      out.data[i + 1] = v;
      out.data[i + 2] = v;
    }
    return out;
  },
});
