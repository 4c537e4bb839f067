import type { SeededRandom } from '@dfl/core';
import { ScratchArrays } from '../../image/scratch-arrays';
import { antiAliasSigma, axisTaps, resample, type RgbWindow, type RowSpans } from '../../image/separable-resample';
import { sharpenLuma } from '../../image/sharpen-luma';
import type { RgbImage } from '../../image/rgb-image';
import { makeBlendMask, type BlendMask } from './blend-mask';

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
 *
 * Pixels outside the mask are the original's, so the perturbed copy is computed for the mask's bounding box only,
 * by separable resampling straight from the original: the blur and the scale/shift warp are one pass; with the
 * shrink-and-enlarge, the blur and the shrink are one pass onto a coarser grid and the enlarge back with the warp
 * another. Sharpening acts on that copy, and the colour change is applied as each pixel is blended. All of it is
 * synchronous typed-array code (a sharp round trip cost more than the arithmetic it did), deterministic under the
 * seed.
 */
export async function selfBlend(
  image: RgbImage,
  rng: SeededRandom,
  options: SelfBlendOptions = defaultSelfBlendOptions,
  landmarks?: ReadonlyArray<readonly [number, number]>,
): Promise<SelfBlendResult> {
  return selfBlendSync(image, rng, options, landmarks);
}

function selfBlendSync(
  image: RgbImage,
  rng: SeededRandom,
  options: SelfBlendOptions,
  landmarks: ReadonlyArray<readonly [number, number]> | undefined,
): SelfBlendResult {
  const { width: w, height: h } = image;
  // the perturbation is drawn before the mask, as it always was: a seed gives the same mask as before
  const perturbation = drawPerturbation(rng, options);
  const mask = makeBlendMask(w, h, rng, { blur: options.mask_blur, blend: options.blend, landmarks });
  const out = { width: w, height: h, data: image.data.slice() };
  const { box } = mask;
  if (box.x1 > box.x0 && box.y1 > box.y0) blendPerturbedCopy(image, out.data, mask, perturbation);
  return { image: out, mask: mask.weights };
}

/** The random part of the perturbed copy; drawn in this order (part of what a seed reproduces). */
interface Perturbation {
  /** Colour change of a level v in channel c: clamp(v * gain + offset[c]) (brightness, contrast, shift in one). */
  readonly gain: number;
  readonly offset: readonly [number, number, number];
  /** < 0: blur sigma in pixels; > 0: sharpen amount; 0: neither. */
  readonly sharpness: number;
  /** Shrink factor of the shrink-and-enlarge, or 1 for none. */
  readonly shrink: number;
  /** Scale about the centre, and shift as fractions of the width and height. */
  readonly scale: number;
  readonly tx: number;
  readonly ty: number;
}

function drawPerturbation(rng: SeededRandom, o: SelfBlendOptions): Perturbation {
  const shift = [0, 1, 2].map(() => rng.uniform(-o.color_shift, o.color_shift));
  const brightness = 1 + rng.uniform(-o.brightness_contrast, o.brightness_contrast);
  const contrast = 1 + rng.uniform(-o.brightness_contrast, o.brightness_contrast);
  // (v * brightness - 128) * contrast + 128 + shift
  const base = 128 - 128 * contrast;
  const offset = [base + shift[0], base + shift[1], base + shift[2]] as const;
  const drawn = rng.uniform(o.sharpness[0], o.sharpness[1]);
  // below 0.3 either way the change is invisible (and sharp, which this once called, rejects a blur sigma < 0.3)
  const sharpness = drawn <= -0.3 || drawn >= 0.3 ? drawn : 0;
  const shrink = rng.chance(o.resample_p) ? rng.uniform(0.5, 0.9) : 1;
  const scale = rng.uniform(o.scale[0], o.scale[1]);
  const tx = rng.uniform(-o.translate, o.translate);
  const ty = rng.uniform(-o.translate, o.translate);
  return { gain: brightness * contrast, offset, sharpness, shrink, scale, tx, ty };
}

const scratch = new ScratchArrays();

/**
 * Writes, for every pixel of the mask's box with weight m > 0, original + (colour(copy) - original) * m into `out`
 * (already a copy of the original). The copy is the image blurred or sharpened, shrunk and enlarged back, scaled
 * by `scale` about the centre and shifted, with the border repeated; it is computed for the box only.
 */
function blendPerturbedCopy(image: RgbImage, out: Uint8Array, mask: BlendMask, p: Perturbation): void {
  const { width: w, height: h, data: src } = image;
  const { weights, box } = mask;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const copy = scratch.floats('copy', bw * bh * 3);
  const blur = p.sharpness < 0 ? -p.sharpness : 0;
  const whole: RgbWindow = { data: src, width: w, x0: 0, y0: 0 };
  // per row, the copy is needed from the first to the last pixel with a weight (the box's corners are outside an
  // ellipse or a hull); sharpening reads the neighbours too, so then the whole box is computed
  const spans: RowSpans = { start: scratch.ints('spanStart', bh), end: scratch.ints('spanEnd', bh) };
  for (let y = 0; y < bh; y++) {
    spans.start[y] = mask.spans.start[y] - box.x0;
    spans.end[y] = mask.spans.end[y] - box.x0;
  }
  const wanted = p.sharpness > 0 ? undefined : spans;
  // Output pixel x reads the copy's grid (the image's own, or the shrunk one) at a·x + b: in pixel-edge
  // coordinates the source point is u = (x + 0.5 - w/2 - tx) / scale + w/2, and grid cell centres sit at
  // (g + 0.5) · gw / w. Same for y.
  const axis = (size: number, gridSize: number, shift: number, from: number) => {
    const k = gridSize / size;
    const a = k / p.scale;
    return { a, b: a * from + ((0.5 - size / 2 - shift * size) / p.scale + size / 2) * k - 0.5 };
  };
  if (p.shrink < 1) {
    // shrink (after the blur: one Gaussian, the variances add) onto a coarser grid, then enlarge back with the
    // warp in one bilinear pass, leaving the interpolation traces of an upscaled face
    const gw = Math.max(1, Math.round(w * p.shrink));
    const gh = Math.max(1, Math.round(h * p.shrink));
    const sigma = Math.sqrt(blur * blur + antiAliasSigma(gw / w) ** 2);
    const ox = axis(w, gw, p.tx, box.x0);
    const oy = axis(h, gh, p.ty, box.y0);
    const rows = axisTaps(scratch, 'rows', bh, oy.a, oy.b, gh, 'bilinear');
    const cols = axisTaps(scratch, 'cols', bw, ox.a, ox.b, gw, 'bilinear');
    const gridRows = axisTaps(scratch, 'gridRows', rows.last - rows.first + 1, h / gh, (rows.first + 0.5) * (h / gh) - 0.5, h, { sigma });
    const gridCols = axisTaps(scratch, 'gridCols', cols.last - cols.first + 1, w / gw, (cols.first + 0.5) * (w / gw) - 0.5, w, { sigma });
    const grid = scratch.floats('grid', gridRows.n * gridCols.n * 3);
    resample(whole, gridRows, gridCols, grid, scratch);
    resample({ data: grid, width: gridCols.n, x0: cols.first, y0: rows.first }, rows, cols, copy, scratch, wanted);
  } else {
    // the blur and the warp's bilinear interpolation in one pass: a Gaussian with both variances (1/6: the tent's)
    const kernel = blur > 0 ? { sigma: Math.sqrt(blur * blur + 1 / 6) } : ('bilinear' as const);
    const ox = axis(w, w, p.tx, box.x0);
    const oy = axis(h, h, p.ty, box.y0);
    resample(whole, axisTaps(scratch, 'rows', bh, oy.a, oy.b, h, kernel), axisTaps(scratch, 'cols', bw, ox.a, ox.b, w, kernel), copy, scratch, wanted);
  }
  if (p.sharpness > 0) sharpenLuma(copy, bw, bh, p.sharpness, 2 * p.sharpness, scratch);
  const { gain } = p;
  const [o0, o1, o2] = p.offset;
  for (let y = box.y0; y < box.y1; y++) {
    const x0 = box.x0 + spans.start[y - box.y0];
    const x1 = box.x0 + spans.end[y - box.y0];
    for (let x = x0, c = ((y - box.y0) * bw + x0 - box.x0) * 3; x < x1; x++, c += 3) {
      const pix = y * w + x;
      const m = weights[pix];
      if (m === 0) continue;
      const i = pix * 3;
      // colour, clamped; then 0 < m <= 1 mixes two values in 0..255, so rounding is enough
      let v = copy[c] * gain + o0;
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      out[i] = (src[i] + (v - src[i]) * m + 0.5) | 0;
      v = copy[c + 1] * gain + o1;
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      out[i + 1] = (src[i + 1] + (v - src[i + 1]) * m + 0.5) | 0;
      v = copy[c + 2] * gain + o2;
      v = v < 0 ? 0 : v > 255 ? 255 : v;
      out[i + 2] = (src[i + 2] + (v - src[i + 2]) * m + 0.5) | 0;
    }
  }
}
