import { SeededRandom } from '@dfl/core';
import { rotationScaleInverse, warpAffine } from '../../image/pixel-ops';
import type { RgbImage } from '../../image/rgb-image';
import { texturedImage } from '../../testing/test-images';
import { convexHull } from './blend-mask';
import { defaultSelfBlendOptions, selfBlend, type SelfBlendOptions } from './self-blend';

/** Only the named effect switched on, the blend ratio always 1: the copy's pixels show through where the mask is ~1. */
const only = (effect: Partial<SelfBlendOptions>): SelfBlendOptions => ({
  color_shift: 0,
  brightness_contrast: 0,
  sharpness: [0, 0],
  scale: [1, 1],
  translate: 0,
  resample_p: 0,
  mask_blur: [0.02, 0.02],
  blend: [1, 1],
  ...effect,
});

const same = (a: RgbImage, b: RgbImage) => Buffer.from(a.data).equals(Buffer.from(b.data));

/** Pixels whose blend weight is ~1 and that are at least 2 px from the image border. */
function core(mask: Float32Array, w: number, h: number): number[] {
  const px: number[] = [];
  for (let y = 2; y < h - 2; y++) for (let x = 2; x < w - 2; x++) if (mask[y * w + x] > 0.999) px.push(y * w + x);
  return px;
}

/** Mean |Laplacian| of the green channel over the given pixels: how much fine detail they hold. */
function detail(image: RgbImage, pixels: number[]): number {
  const { width: w, data } = image;
  const g = (p: number) => data[p * 3 + 1];
  return pixels.reduce((s, p) => s + Math.abs(4 * g(p) - g(p - 1) - g(p + 1) - g(p - w) - g(p + w)), 0) / pixels.length;
}

describe('selfBlend (SBI)', () => {
  const image = texturedImage(64, 64, 9);

  it.each([1, 2, 3, 4, 5])('changes pixels only inside its mask, and most of those (seed %i)', async (seed) => {
    const { image: fake, mask } = await selfBlend(image, new SeededRandom(seed));
    let changedInside = 0;
    let changedOutside = 0;
    let inside = 0;
    for (let p = 0; p < mask.length; p++) {
      const changed = fake.data[p * 3] !== image.data[p * 3] || fake.data[p * 3 + 1] !== image.data[p * 3 + 1] || fake.data[p * 3 + 2] !== image.data[p * 3 + 2];
      if (mask[p] === 0) changedOutside += changed ? 1 : 0;
      else {
        inside++;
        if (changed) changedInside++;
      }
    }
    expect(changedOutside).toBe(0);
    // a face-centred region: not empty, not the whole crop, and most of it actually changed
    expect(inside).toBeGreaterThan(mask.length * 0.15);
    expect(inside).toBeLessThan(mask.length * 0.9);
    expect(changedInside).toBeGreaterThan(inside * 0.5);
    expect(mask[0]).toBe(0);
    expect(mask[32 * 64 + 32]).toBeGreaterThan(0);
    expect(Math.max(...mask)).toBeLessThanOrEqual(1);
  });

  it('keeps the outside exact on a non-square crop, with and without landmarks', async () => {
    const wide = texturedImage(96, 40, 3);
    const landmarks: Array<[number, number]> = [[0.55, 0.2], [0.9, 0.3], [0.85, 0.9], [0.6, 0.8]];
    for (const lm of [undefined, landmarks]) {
      for (const seed of [1, 2, 3]) {
        const { image: fake, mask } = await selfBlend(wide, new SeededRandom(seed), undefined, lm);
        expect(mask.length).toBe(96 * 40);
        expect(fake.width).toBe(96);
        expect(fake.height).toBe(40);
        let inside = 0;
        let changedOutside = 0;
        for (let p = 0; p < mask.length; p++) {
          if (mask[p] > 0) inside++;
          else for (let c = 0; c < 3; c++) if (fake.data[p * 3 + c] !== wide.data[p * 3 + c]) changedOutside++;
        }
        expect(changedOutside).toBe(0);
        expect(inside).toBeGreaterThan(96 * 40 * 0.05);
      }
    }
  });

  it('is deterministic under a seed, whatever ran before it, and differs across seeds', async () => {
    const a = await selfBlend(image, new SeededRandom(3));
    // other sizes and options in between: nothing left over from them may reach the next result
    await selfBlend(texturedImage(200, 120, 1), new SeededRandom(8), { ...defaultSelfBlendOptions, resample_p: 1, sharpness: [1, 1.5] });
    await selfBlend(texturedImage(30, 90, 2), new SeededRandom(9), { ...defaultSelfBlendOptions, sharpness: [-1.5, -1] });
    const b = await selfBlend(image, new SeededRandom(3));
    const c = await selfBlend(image, new SeededRandom(4));
    expect(same(a.image, b.image)).toBe(true);
    expect(Buffer.from(a.mask.buffer).equals(Buffer.from(b.mask.buffer))).toBe(true);
    expect(same(a.image, c.image)).toBe(false);
  });

  it('shifts the colour of the copy: a near-constant offset per channel where the mask is ~1', async () => {
    const offsets: number[][] = [];
    for (const seed of [1, 2, 3, 4]) {
      const { image: fake, mask } = await selfBlend(image, new SeededRandom(seed), only({ color_shift: 30 }));
      const px = core(mask, 64, 64);
      expect(px.length).toBeGreaterThan(200);
      const perChannel = [0, 1, 2].map((c) => {
        const diffs = px.filter((p) => image.data[p * 3 + c] > 40 && image.data[p * 3 + c] < 215).map((p) => fake.data[p * 3 + c] - image.data[p * 3 + c]);
        const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
        // the same shift at every pixel (up to rounding): no blur, no warp, just colour
        expect(Math.max(...diffs.map((d) => Math.abs(d - mean)))).toBeLessThanOrEqual(1.01);
        expect(Math.abs(mean)).toBeLessThanOrEqual(30.5);
        // on the soft edge the copy is mixed in by the mask's weight: original + shift * m
        let worst = 0;
        for (let p = 0; p < mask.length; p++) {
          const v = image.data[p * 3 + c];
          if (mask[p] > 0 && v > 40 && v < 215) worst = Math.max(worst, Math.abs(fake.data[p * 3 + c] - (v + mean * mask[p])));
        }
        expect(worst).toBeLessThanOrEqual(1.5);
        return mean;
      });
      offsets.push(perChannel);
    }
    const all = offsets.flat();
    expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(5);
    expect(new Set(all.map((m) => Math.round(m))).size).toBeGreaterThan(4);
  });

  it('changes brightness and contrast of the copy (a gain on the levels)', async () => {
    const ramp: RgbImage = { width: 64, height: 64, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => 40 + (Math.floor(i / 3) % 64) * 2) };
    let changed = 0;
    for (const seed of [1, 2, 3]) {
      const { image: fake, mask } = await selfBlend(ramp, new SeededRandom(seed), only({ brightness_contrast: 0.3 }));
      const px = core(mask, 64, 64);
      // a gain changes the step between neighbouring levels of the ramp, a shift would not
      const slope = (img: RgbImage) => px.reduce((s, p) => s + img.data[(p + 1) * 3] - img.data[(p - 1) * 3], 0) / px.length;
      if (Math.abs(slope(fake) - slope(ramp)) > 0.2) changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('rescales the copy about the centre, as an affine warp of the original would', async () => {
    const { image: fake, mask } = await selfBlend(image, new SeededRandom(5), only({ scale: [1.25, 1.25] }));
    const reference = warpAffine(image, rotationScaleInverse(0, 1.25, 32, 32));
    const px = core(mask, 64, 64);
    expect(px.length).toBeGreaterThan(200);
    let maxDiff = 0;
    let unchanged = 0;
    for (const p of px) {
      for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(fake.data[p * 3 + c] - reference.data[p * 3 + c]));
      if (fake.data[p * 3] === image.data[p * 3]) unchanged++;
    }
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(unchanged).toBeLessThan(px.length * 0.5);
  });

  it.each([
    ['blurs the copy', 'less', only({ sharpness: [-1.5, -1.5] })],
    ['sharpens the copy', 'more', only({ sharpness: [1.5, 1.5] })],
    ['shrinks and enlarges the copy', 'less', only({ resample_p: 1 })],
  ] as const)('%s: %s fine detail where the mask is ~1', async (_, expected, options) => {
    for (const seed of [1, 2]) {
      const { image: fake, mask } = await selfBlend(image, new SeededRandom(seed), options);
      const px = core(mask, 64, 64);
      const ratio = detail(fake, px) / detail(image, px);
      if (expected === 'less') expect(ratio).toBeLessThan(0.8);
      else expect(ratio).toBeGreaterThan(1.2);
    }
  });

  it('keeps the shrunk-and-enlarged copy aligned with the original', async () => {
    // smooth stripes (period 16 px) survive a shrink to half size; a misaligned copy would differ by tens of levels
    const stripes: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    for (let p = 0; p < 64 * 64; p++) {
      const v = 128 + 90 * Math.sin(((p % 64) / 16) * 2 * Math.PI) * Math.cos((Math.floor(p / 64) / 16) * 2 * Math.PI);
      stripes.data.fill(Math.round(v), p * 3, p * 3 + 3);
    }
    for (const seed of [1, 2, 3, 4]) {
      const { image: fake, mask } = await selfBlend(stripes, new SeededRandom(seed), only({ resample_p: 1 }));
      const px = core(mask, 64, 64);
      const error = px.reduce((s, p) => s + Math.abs(fake.data[p * 3] - stripes.data[p * 3]), 0) / px.length;
      expect(error).toBeGreaterThan(0.2);
      expect(error).toBeLessThan(6);
    }
  });

  it('blends with a ratio from `blend` half the time and fully otherwise', async () => {
    const maxima = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const { mask } = await selfBlend(image, new SeededRandom(seed), only({ blend: [0.4, 0.4] }));
      const max = Math.max(...mask);
      expect([0.4, 1].some((r) => Math.abs(max - r) < 0.02)).toBe(true);
      maxima.add(max > 0.7 ? 'full' : 'partial');
    }
    expect(maxima).toEqual(new Set(['full', 'partial']));
  });

  it('masks the landmark hull when landmarks are given', async () => {
    // landmarks in the left half only: the mask must stay near them
    const landmarks: Array<[number, number]> = [[0.1, 0.2], [0.35, 0.2], [0.35, 0.8], [0.1, 0.8], [0.2, 0.5]];
    const { image: fake, mask } = await selfBlend(image, new SeededRandom(2), undefined, landmarks);
    let right = 0;
    let left = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (x >= 40) right += mask[y * 64 + x];
        else left += mask[y * 64 + x];
      }
    }
    expect(left).toBeGreaterThan(100);
    expect(right).toBe(0);
    let changedRight = 0;
    for (let y = 0; y < 64; y++) for (let x = 40; x < 64; x++) if (fake.data[(y * 64 + x) * 3] !== image.data[(y * 64 + x) * 3]) changedRight++;
    expect(changedRight).toBe(0);
  });

  it('convexHull drops interior points', () => {
    expect(convexHull([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2]]).length).toBe(4);
  });
});
