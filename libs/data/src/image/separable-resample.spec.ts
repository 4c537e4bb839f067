import { texturedImage } from '../testing/test-images';
import { ScratchArrays } from './scratch-arrays';
import { antiAliasSigma, axisTaps, resample, type ResampleKernel } from './separable-resample';
import { sharpenLuma } from './sharpen-luma';

describe('separable resample', () => {
  const scratch = new ScratchArrays();
  const image = texturedImage(40, 30, 4);
  const whole = { data: image.data, width: 40, x0: 0, y0: 0 };
  const run = (rows: [number, number, number], cols: [number, number, number], kernel: ResampleKernel, input = whole, size = [30, 40]) => {
    const r = axisTaps(scratch, 'r', rows[0], rows[1], rows[2], size[0], kernel);
    const c = axisTaps(scratch, 'c', cols[0], cols[1], cols[2], size[1], kernel);
    const out = new Float32Array(rows[0] * cols[0] * 3);
    resample(input, r, c, out, scratch);
    return out;
  };

  it('copies a rectangle exactly at integer positions, with the border repeated past the edges', () => {
    const out = run([10, 1, 5], [12, 1, 30], 'bilinear');
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 12; x++) {
        const sx = Math.min(39, 30 + x);
        for (let c = 0; c < 3; c++) expect(out[(y * 12 + x) * 3 + c]).toBe(image.data[((5 + y) * 40 + sx) * 3 + c]);
      }
    }
  });

  it('interpolates linearly at half-pixel positions', () => {
    const out = run([1, 1, 7], [5, 1, 2.5], 'bilinear');
    for (let x = 0; x < 5; x++) {
      const a = image.data[(7 * 40 + 2 + x) * 3];
      const b = image.data[(7 * 40 + 3 + x) * 3];
      expect(out[x * 3]).toBeCloseTo((a + b) / 2, 4);
    }
  });

  it('keeps a flat image flat through a blur and a shrink, and smooths a textured one', () => {
    const flat = { data: new Uint8Array(40 * 30 * 3).fill(77), width: 40, x0: 0, y0: 0 };
    const blurred = run([30, 1, 0], [40, 1, 0], { sigma: 1.4 }, flat);
    const shrunk = run([15, 2, 0.5], [20, 2, 0.5], { sigma: antiAliasSigma(0.5) }, flat);
    for (const v of [...blurred, ...shrunk]) expect(v).toBeCloseTo(77, 3);
    const textured = run([30, 1, 0], [40, 1, 0], { sigma: 1.4 });
    const roughness = (a: ArrayLike<number>) => {
      let s = 0;
      for (let i = 3; i < 40 * 30 * 3; i++) s += Math.abs(a[i] - a[i - 3]);
      return s;
    };
    expect(roughness(textured)).toBeLessThan(roughness(image.data) * 0.6);
  });

  it('reads a window of a larger raster by its origin', () => {
    // the window holds columns 10..29 and rows 5..24 of the image
    const data = new Uint8Array(20 * 20 * 3);
    for (let y = 0; y < 20; y++) data.set(image.data.subarray(((5 + y) * 40 + 10) * 3, ((5 + y) * 40 + 30) * 3), y * 20 * 3);
    const fromWindow = run([6, 1, 12], [8, 1, 15], 'bilinear', { data, width: 20, x0: 10, y0: 5 });
    expect([...fromWindow]).toEqual([...run([6, 1, 12], [8, 1, 15], 'bilinear')]);
  });
});

describe('sharpenLuma', () => {
  const scratch = new ScratchArrays();

  it('leaves flat areas alone and raises contrast at an edge, within the caps', () => {
    const w = 12;
    const h = 4;
    const data = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(x < 6 ? 60 : 180, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const before = data.slice();
    sharpenLuma(data, w, h, 3, 6, scratch);
    for (let y = 0; y < h; y++) {
      expect(data[(y * w + 1) * 3]).toBe(60);
      expect(data[(y * w + 10) * 3]).toBe(180);
      expect(data[(y * w + 5) * 3]).toBeLessThan(60);
      expect(data[(y * w + 6) * 3]).toBeGreaterThan(180);
      // libvips' caps: at most 10 L units (25.5 levels) brighter, 20 (51) darker
      expect(data[(y * w + 6) * 3] - before[(y * w + 6) * 3]).toBeLessThanOrEqual(25.5 + 1e-4);
      expect(before[(y * w + 5) * 3] - data[(y * w + 5) * 3]).toBeLessThanOrEqual(51 + 1e-4);
      // the luma change goes to every channel alike
      expect(data[(y * w + 6) * 3 + 1]).toBe(data[(y * w + 6) * 3]);
    }
  });
});

describe('resample with row spans', () => {
  it('computes the wanted columns of each row exactly as the whole rectangle would', () => {
    const scratch = new ScratchArrays();
    const image = texturedImage(50, 40, 6);
    const whole = { data: image.data, width: 50, x0: 0, y0: 0 };
    const rows = axisTaps(scratch, 'r', 30, 0.97, 4.2, 40, { sigma: 1.2 });
    const cols = axisTaps(scratch, 'c', 36, 0.97, 6.7, 50, { sigma: 1.2 });
    const full = new Float32Array(30 * 36 * 3);
    resample(whole, rows, cols, full, scratch);
    const start = Int32Array.from({ length: 30 }, (_, y) => (y * 7) % 20);
    const end = Int32Array.from({ length: 30 }, (_, y) => (y % 5 === 0 ? start[y] : Math.min(36, start[y] + 3 + ((y * 11) % 17))));
    const part = new Float32Array(30 * 36 * 3).fill(-1);
    resample(whole, rows, cols, part, scratch, { start, end });
    for (let y = 0; y < 30; y++) {
      for (let x = 0; x < 36; x++) {
        const i = (y * 36 + x) * 3;
        if (x >= start[y] && x < end[y]) expect([part[i], part[i + 1], part[i + 2]]).toEqual([full[i], full[i + 1], full[i + 2]]);
        else expect(part[i]).toBe(-1);
      }
    }
  });
});
