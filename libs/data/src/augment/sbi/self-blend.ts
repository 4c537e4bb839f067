import type { SeededRandom } from '@dfl/core';
import { resizeImage, sharpFromImage, sharpToImage } from '../../image/decode';
import { rotationScaleInverse, warpAffine } from '../../image/pixel-ops';
import { clampByte, createImage, type RgbImage } from '../../image/rgb-image';
import { makeBlendMask } from './blend-mask';

export interface SelfBlendOptions {
  /** Largest per-channel colour shift of the source copy, in 0..255 levels. */
  readonly color_shift: number;
  /** Brightness and contrast change of the source copy, as a fraction (drawn from [-x, x]). */
  readonly brightness_contrast: number;
  /** Sharpness change of the source: a value < 0 blurs with sigma |v| px, > 0 sharpens with that amount. */
  readonly sharpness: readonly [number, number];
  /** Source rescale factor about the centre (resampling traces + misalignment at the boundary). */
  readonly scale: readonly [number, number];
  /** Largest source shift, as a fraction of the size. */
  readonly translate: number;
  /** Probability that the source is also shrunk by a factor in [0.5, 0.9] and enlarged back. */
  readonly resample_p: number;
  /** Mask edge softness, sigma as a fraction of the width. */
  readonly mask_blur: readonly [number, number];
  /** Blend ratio range (drawn half the time; the other half it is 1). */
  readonly blend: readonly [number, number];
}

export const defaultSelfBlendOptions: SelfBlendOptions = {
  color_shift: 20,
  brightness_contrast: 0.1,
  sharpness: [-1.5, 1.5],
  scale: [0.95, 1.05],
  translate: 0.03,
  resample_p: 0.5,
  mask_blur: [0.02, 0.06],
  blend: [0.25, 1],
};

export interface SelfBlendResult {
  /** The pseudo-fake. */
  readonly image: RgbImage;
  /** Blend weight of the perturbed copy per pixel (0 = the pixel is the original's, exactly). */
  readonly mask: Float32Array;
}

/**
 * Self-blended image (Shiohara & Yamasaki, CVPR 2022): a copy of the face is perturbed in colour, sharpness and
 * scale, then blended back into the original through a soft, jittered mask. The result carries the traces of a
 * face swap (blending boundary, colour and frequency mismatch) with no second identity, so real images alone
 * give a detector its fakes.
 */
export async function selfBlend(
  image: RgbImage,
  rng: SeededRandom,
  options: SelfBlendOptions = defaultSelfBlendOptions,
  landmarks?: ReadonlyArray<readonly [number, number]>,
): Promise<SelfBlendResult> {
  const { width: w, height: h } = image;
  const source = await perturbSource(image, rng, options);
  const mask = makeBlendMask(w, h, rng, { blur: options.mask_blur, blend: options.blend, landmarks });
  const out = createImage(w, h);
  const a = image.data;
  const b = source.data;
  for (let p = 0, i = 0; p < mask.length; p++, i += 3) {
    const m = mask[p];
    if (m === 0) {
      out.data[i] = a[i];
      out.data[i + 1] = a[i + 1];
      out.data[i + 2] = a[i + 2];
    } else {
      // 0 < m <= 1: a convex combination of two bytes, so rounding is enough
      out.data[i] = (a[i] + (b[i] - a[i]) * m + 0.5) | 0;
      out.data[i + 1] = (a[i + 1] + (b[i + 1] - a[i + 1]) * m + 0.5) | 0;
      out.data[i + 2] = (a[i + 2] + (b[i + 2] - a[i + 2]) * m + 0.5) | 0;
    }
  }
  return { image: out, mask };
}

async function perturbSource(image: RgbImage, rng: SeededRandom, o: SelfBlendOptions): Promise<RgbImage> {
  const { width: w, height: h } = image;
  // colour: per-channel shift, brightness and contrast
  const shift = [0, 1, 2].map(() => rng.uniform(-o.color_shift, o.color_shift));
  const gain = 1 + rng.uniform(-o.brightness_contrast, o.brightness_contrast);
  const contrast = 1 + rng.uniform(-o.brightness_contrast, o.brightness_contrast);
  const lut = new Uint8Array(768);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = clampByte((v * gain - 128) * contrast + 128 + shift[c]);
  const colored = createImage(w, h);
  for (let i = 0; i < image.data.length; i += 3) {
    colored.data[i] = lut[image.data[i]];
    colored.data[i + 1] = lut[256 + image.data[i + 1]];
    colored.data[i + 2] = lut[512 + image.data[i + 2]];
  }
  // sharpness (sharp's blur / sharpen), then an optional shrink-and-enlarge
  const sharpness = rng.uniform(o.sharpness[0], o.sharpness[1]);
  let source = colored;
  if (sharpness <= -0.3) source = await sharpToImage(sharpFromImage(colored).blur(-sharpness));
  else if (sharpness >= 0.3) source = await sharpToImage(sharpFromImage(colored).sharpen({ sigma: 1, m1: sharpness, m2: sharpness * 2 }));
  if (rng.chance(o.resample_p)) {
    const f = rng.uniform(0.5, 0.9);
    source = await resizeImage(await resizeImage(source, Math.max(1, Math.round(w * f)), Math.max(1, Math.round(h * f))), w, h);
  }
  // scale and shift about the centre: misaligns the copy so the boundary shows
  const s = rng.uniform(o.scale[0], o.scale[1]);
  const tx = rng.uniform(-o.translate, o.translate) * w;
  const ty = rng.uniform(-o.translate, o.translate) * h;
  return warpAffine(source, rotationScaleInverse(0, s, w / 2, h / 2, tx, ty));
}
