import type { ScratchArrays } from './scratch-arrays';

/**
 * Unsharp mask on the luma of a float RGB raster (width × height, interleaved), in place, shaped like sharp's
 * `sharpen({ sigma: 1, m1, m2 })` (libvips vips_sharpen): luma detail up to x1 is amplified by m1, beyond it by
 * m2, and the change is capped at y2 brightening and y3 darkening. libvips works on LAB L (0..100); its default
 * thresholds are scaled here to 0..255 levels. The luma change is added to R, G and B alike, so chroma is left
 * alone as sharpening L leaves it. Edges repeat. By hand because sharp's sharpen costs ~9 ms on a 256 px image
 * (it converts to LAB and back), against a 3-tap pass here.
 */
export function sharpenLuma(data: Float32Array, width: number, height: number, m1: number, m2: number, scratch: ScratchArrays): void {
  const lw = width + 2;
  // luma rows padded by one repeated pixel each side, for the horizontal pass
  const luma = scratch.floats('sharpen:luma', lw * height);
  const rows = scratch.floats('sharpen:rows', width * height);
  for (let y = 0; y < height; y++) {
    const row = y * lw;
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) luma[row + 1 + x] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    luma[row] = luma[row + 1];
    luma[row + width + 1] = luma[row + width];
  }
  const [side, centre] = SHARPEN_MASK;
  for (let y = 0; y < height; y++) {
    const s = y * lw;
    const d = y * width;
    for (let x = 0; x < width; x++) rows[d + x] = side * (luma[s + x] + luma[s + x + 2]) + centre * luma[s + x + 1];
  }
  const x1 = 2 * L_TO_LEVELS;
  const brighten = 10 * L_TO_LEVELS;
  const darken = 20 * L_TO_LEVELS;
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const mid = y * width;
    const down = (y < height - 1 ? y + 1 : height - 1) * width;
    for (let x = 0, i = mid * 3; x < width; x++, i += 3) {
      const detail = luma[y * lw + 1 + x] - (side * (rows[up + x] + rows[down + x]) + centre * rows[mid + x]);
      // m1 on the part of the detail within ±x1, m2 on the rest, then the caps; Math.min/max keep it branch-free
      // (the detail's sign and size are noise on a face: branches on them are mispredicted half the time)
      const flat = Math.max(-x1, Math.min(x1, detail));
      const change = Math.max(-darken, Math.min(brighten, m1 * flat + m2 * (detail - flat)));
      data[i] += change;
      data[i + 1] += change;
      data[i + 2] += change;
    }
  }
}

/** LAB L (0..100) to 0..255 levels. */
const L_TO_LEVELS = 2.55;

/** The sigma-1 Gaussian cut at 0.2 of its peak, as libvips builds it for sharpen: 3 taps (side, centre), normalised. */
const SHARPEN_MASK = (() => {
  const side = Math.exp(-0.5);
  return [side / (1 + 2 * side), 1 / (1 + 2 * side)] as const;
})();
