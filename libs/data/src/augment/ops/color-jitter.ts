import { Type } from '@sinclair/typebox';
import { hsvToRgb, meanLuma, rgbToHsv } from '../../image/pixel-ops';
import { clampByte, createImage } from '../../image/rgb-image';
import { defineAugmentation } from '../augmentation-spec';

const Factor = (description: string, maximum?: number) => Type.Number({ minimum: 0, maximum, default: 0.2, description });

export const colorJitter = defineAugmentation({
  name: 'color_jitter',
  description: "random brightness, contrast, saturation and hue (torchvision's ColorJitter, fixed order)",
  role: 'transform',
  options: Type.Object(
    {
      brightness: Factor('brightness factor drawn from [1-b, 1+b]'),
      contrast: Factor('contrast factor drawn from [1-c, 1+c]'),
      saturation: Factor('saturation factor drawn from [1-s, 1+s]'),
      hue: Type.Number({ minimum: 0, maximum: 0.5, default: 0.02, description: 'hue shift drawn from [-h, h] (fraction of the colour wheel)' }),
    },
    { additionalProperties: false },
  ),
  apply: (image, o, rng) => {
    const b = rng.uniform(1 - o.brightness, 1 + o.brightness);
    const c = rng.uniform(1 - o.contrast, 1 + o.contrast);
    const s = rng.uniform(1 - o.saturation, 1 + o.saturation);
    const h = rng.uniform(-o.hue, o.hue);
    const src = image.data;
    const out = createImage(image.width, image.height);
    const mean = meanLuma(image) * b;
    const hsv = new Float32Array(3);
    const rgb = new Float32Array(3);
    for (let i = 0; i < src.length; i += 3) {
      let r = src[i] * b;
      let g = src[i + 1] * b;
      let bl = src[i + 2] * b;
      r = (r - mean) * c + mean;
      g = (g - mean) * c + mean;
      bl = (bl - mean) * c + mean;
      const gray = 0.299 * r + 0.587 * g + 0.114 * bl;
      r = gray + (r - gray) * s;
      g = gray + (g - gray) * s;
      bl = gray + (bl - gray) * s;
      if (h !== 0) {
        rgbToHsv(Math.min(255, Math.max(0, r)), Math.min(255, Math.max(0, g)), Math.min(255, Math.max(0, bl)), hsv);
        hsvToRgb((hsv[0] + h + 1) % 1, hsv[1], hsv[2], rgb);
        r = rgb[0];
        g = rgb[1];
        bl = rgb[2];
      }
      out.data[i] = clampByte(r);
      out.data[i + 1] = clampByte(g);
      out.data[i + 2] = clampByte(bl);
    }
    return out;
  },
});
