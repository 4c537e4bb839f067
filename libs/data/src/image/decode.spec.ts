import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { loadImage, ImageLoadError } from '../loader/load-image';
import { tempDir, texturedImage, writeImage } from '../testing/test-images';
import { decodeImage } from './decode';
import { writeNormalized } from './normalize';

describe('decodeImage / loadImage', () => {
  const dir = tempDir();

  it('decodes JPEG, PNG and WebP to RGB at the requested size', async () => {
    for (const ext of ['jpg', 'png', 'webp']) {
      const file = await writeImage(path.join(dir, `a.${ext}`), texturedImage(40, 30));
      const img = await decodeImage(file, { size: 24, interpolation: 'bicubic' });
      expect([img.width, img.height, img.data.length]).toEqual([24, 24, 24 * 24 * 3]);
      const native = await decodeImage(file);
      expect([native.width, native.height]).toEqual([40, 30]);
    }
  });

  it('expands grayscale to three equal channels', async () => {
    const file = path.join(dir, 'gray.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 90, g: 90, b: 90 } } }).grayscale().toColourspace('b-w').png().toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(1);
    const img = await decodeImage(file);
    expect(img.data.length).toBe(8 * 8 * 3);
    expect([img.data[0], img.data[1], img.data[2]]).toEqual([90, 90, 90]);
  });

  it('flattens alpha onto black', async () => {
    const file = path.join(dir, 'alpha.png');
    // left half opaque red, right half fully transparent white
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) rgba.set(x < 2 ? [255, 0, 0, 255] : [255, 255, 255, 0], (y * 4 + x) * 4);
    await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } }).png().toFile(file);
    const img = await decodeImage(file);
    expect(img.data.length).toBe(4 * 4 * 3);
    expect([...img.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...img.data.subarray(9, 12)]).toEqual([0, 0, 0]);
  });

  it('applies the EXIF orientation', async () => {
    const file = path.join(dir, 'rotated.jpg');
    // stored 40 wide x 20 high, tagged "rotate 90° clockwise to display" (orientation 6)
    const stored = texturedImage(40, 20);
    await sharp(stored.data, { raw: { width: 40, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
    expect((await sharp(file).metadata()).orientation).toBe(6);
    const img = await decodeImage(file);
    expect([img.width, img.height]).toEqual([20, 40]);
  });

  it('names the file for a missing, empty, corrupt or truncated image', async () => {
    const good = readFileSync(await writeImage(path.join(dir, 'good.jpg'), texturedImage(64, 64)));
    const truncated = path.join(dir, 'truncated.jpg');
    writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const corrupt = path.join(dir, 'corrupt.png');
    writeFileSync(corrupt, Buffer.from('definitely not a png'));
    const empty = path.join(dir, 'empty.jpg');
    writeFileSync(empty, Buffer.alloc(0));
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.jpg'), /file not found/],
      [empty, /empty file/],
      [corrupt, /not a readable/],
      [truncated, /not a readable/],
    ];
    for (const [file, reason] of cases) {
      const err = await loadImage(file, 16, 'bilinear').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageLoadError);
      expect((err as ImageLoadError).message).toContain(file);
      expect((err as ImageLoadError).reason).toMatch(reason);
    }
  });

  it('normalises with the caller’s mean and std into NHWC at an offset', () => {
    const img = { width: 1, height: 1, data: new Uint8Array([255, 0, 51]) };
    const out = new Float32Array(6).fill(9);
    writeNormalized(img, [0.5, 0.5, 0.2], [0.5, 0.25, 0.1], out, 3);
    expect([...out.subarray(0, 3)]).toEqual([9, 9, 9]);
    expect(out[3]).toBeCloseTo(1);
    expect(out[4]).toBeCloseTo(-2);
    expect(out[5]).toBeCloseTo(0);
  });
});
