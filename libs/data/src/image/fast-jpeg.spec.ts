import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { loadImage, loadImageWithRect } from '../loader/load-image';
import { tempDir, texturedImage } from '../testing/test-images';
import { decodeImage } from './decode';
import { decodeJpegFile, decodeJpegFileNormalizedInto, hasFastJpeg } from './fast-jpeg';
import { normalizationTable, writeNormalized } from './normalize';

const raw = (w: number, h: number, channels: 1 | 3 = 3) => {
  const rgb = texturedImage(w, h, 4).data;
  if (channels === 3) return sharp(rgb, { raw: { width: w, height: h, channels: 3 } });
  const grey = new Uint8Array(w * h).map((_, i) => rgb[i * 3]);
  return sharp(grey, { raw: { width: w, height: h, channels: 1 } });
};

// The addon is built at install when libjpeg's headers are there (scripts/build-addon.js); without it the
// loader decodes with sharp, which the rest of the suite covers.
const withAddon = hasFastJpeg() ? describe : describe.skip;

withAddon('JPEG fast path (native/jpeg_decode.c)', () => {
  it.each([
    ['baseline 4:2:0', () => raw(40, 24).jpeg({ quality: 90 })],
    ['4:4:4', () => raw(33, 17).jpeg({ quality: 95, chromaSubsampling: '4:4:4' })],
    ['progressive', () => raw(40, 24).jpeg({ progressive: true })],
    ['grayscale', () => raw(24, 24, 1).jpeg()],
  ])('decodes %s JPEGs to the same pixels as sharp', async (_name, make) => {
    const file = path.join(tempDir('dfl-fastjpeg-kind-'), 'a.jpg');
    await make().toFile(file);
    const slow = await decodeImage(file);
    const fast = await decodeJpegFile(file, slow.width, slow.height, { interpolation: 'bilinear', fit: 'fill' });
    expect(fast).not.toBeNull();
    expect(Buffer.from(fast!.image.data).equals(Buffer.from(slow.data))).toBe(true);
  });

  it('leaves to sharp what it cannot decode exactly: EXIF, ICC, CMYK, truncated or not a JPEG', async () => {
    const dir = tempDir('dfl-fastjpeg-no-');
    const exif = await raw(40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const icc = await raw(16, 16).jpeg().withIccProfile('p3').toBuffer();
    const cmyk = await raw(16, 16).toColourspace('cmyk').jpeg().toBuffer();
    const whole = await raw(64, 64).jpeg().toBuffer();
    const cases = { exif, icc, cmyk, truncated: whole.subarray(0, whole.length >> 1), text: Buffer.from('not a jpeg at all') };
    for (const [name, bytes] of Object.entries(cases)) {
      writeFileSync(path.join(dir, `${name}.jpg`), bytes);
      await expect(decodeJpegFile(path.join(dir, `${name}.jpg`), 16, 16, { interpolation: 'bilinear', fit: 'fill' })).resolves.toBeNull();
    }
    // the control: the whole file is taken
    writeFileSync(path.join(dir, 'whole.jpg'), whole);
    await expect(decodeJpegFile(path.join(dir, 'whole.jpg'), 16, 16, { interpolation: 'bilinear', fit: 'fill' })).resolves.not.toBeNull();
  });

  // every resize and fit the loaders use: the fast path must give the general path's bytes (sharp's decode, then
  // Pillow's resize), whatever the size
  const resizes = [
    { interpolation: 'bilinear', fit: 'fill' },
    { interpolation: 'bicubic', fit: 'cover' },
    { interpolation: 'nearest', fit: 'fill' },
  ] as const;

  it('decodes and resizes a file off the main thread to the bytes of the general path, and declines the rest', async () => {
    const dir = tempDir('dfl-fastjpeg-rgb-');
    const file = path.join(dir, 'a.jpg');
    await raw(30, 18).jpeg({ quality: 85 }).toFile(file);
    for (const [w, h] of [[30, 18], [16, 16], [45, 20]]) {
      for (const resize of resizes) {
        const fast = await decodeJpegFile(file, w, h, resize);
        const slow = await decodeImage(file, { size: { width: w, height: h }, ...resize });
        expect([fast?.image.width, fast?.image.height, fast?.sourceWidth, fast?.sourceHeight]).toEqual([w, h, 30, 18]);
        expect(Buffer.from(fast!.image.data).equals(Buffer.from(slow.data))).toBe(true);
      }
    }
    const fill = resizes[0];
    await expect(decodeJpegFile(path.join(dir, 'gone.jpg'), 30, 18, fill)).resolves.toBeNull();
    await raw(30, 18).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(dir, 'exif.jpg'));
    await expect(decodeJpegFile(path.join(dir, 'exif.jpg'), 30, 18, fill)).resolves.toBeNull();
  });

  it('decodes a file straight into normalised floats off the main thread: the floats of decode + resize + writeNormalized', async () => {
    const dir = tempDir('dfl-fastjpeg-file-');
    const file = path.join(dir, 'a.jpg');
    await raw(33, 21).jpeg({ quality: 90 }).toFile(file);
    const mean = [0.485, 0.456, 0.406] as const;
    const std = [0.229, 0.224, 0.225] as const;
    const lut = normalizationTable(mean, std);
    const mirrors = [{ horizontal: false, vertical: false }, { horizontal: true, vertical: false }, { horizontal: true, vertical: true }];
    // the image's own size (the streaming path), and two others (decode, resize, then normalise)
    for (const [w, h] of [[33, 21], [20, 20], [40, 17]]) {
      const pixels = w * h * 3;
      for (const resize of resizes) {
        const image = await decodeImage(file, { size: { width: w, height: h }, ...resize });
        for (const mirror of mirrors) {
          const want = new Float32Array(pixels + 5);
          writeNormalized(image, mean, std, want, 5, mirror);
          const got = new Float32Array(pixels + 5).fill(7);
          await expect(decodeJpegFileNormalizedInto(file, got, 5, lut, w, h, mirror, resize)).resolves.toBe(true);
          expect(got).toEqual(want.map((v, i) => (i < 5 ? 7 : v))); // written at the offset, nothing before it
        }
      }
    }
    // false, for the general path to handle: a missing file, not a JPEG, EXIF orientation
    const pixels = 33 * 21 * 3;
    const out = new Float32Array(pixels);
    const none = mirrors[0];
    const fill = resizes[0];
    await expect(decodeJpegFileNormalizedInto(path.join(dir, 'gone.jpg'), out, 0, lut, 33, 21, none, fill)).resolves.toBe(false);
    writeFileSync(path.join(dir, 'text.jpg'), 'not a jpeg at all');
    await expect(decodeJpegFileNormalizedInto(path.join(dir, 'text.jpg'), out, 0, lut, 33, 21, none, fill)).resolves.toBe(false);
    await raw(33, 21).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(dir, 'exif.jpg'));
    await expect(decodeJpegFileNormalizedInto(path.join(dir, 'exif.jpg'), out, 0, lut, 33, 21, none, fill)).resolves.toBe(false);
    // an output too small for the image is refused before any work is queued
    expect(() => decodeJpegFileNormalizedInto(file, new Float32Array(pixels - 1), 0, lut, 33, 21, none, fill)).toThrow(/decodeFileNormalized/);
  });

  it('loadImage gives the bytes of the general path at any size, and still names bad files', async () => {
    const dir = tempDir('dfl-fastjpeg-');
    const file = path.join(dir, 'a.jpg');
    await raw(32, 24).jpeg().toFile(file);
    for (const size of [32, 20]) {
      for (const fit of ['fill', 'cover'] as const) {
        const viaLoad = await loadImage(file, size, 'bilinear', fit);
        const viaSharp = await decodeImage(file, { size, interpolation: 'bilinear', fit });
        expect(Buffer.from(viaLoad.data).equals(Buffer.from(viaSharp.data))).toBe(true);
        // with the shown rectangle (landmarks for SBI): the same pixels, and the part of the image shown
        const withRect = await loadImageWithRect(file, size, 'bilinear', fit);
        expect(Buffer.from(withRect.image.data).equals(Buffer.from(viaSharp.data))).toBe(true);
        expect(withRect.rect).toEqual(fit === 'fill' ? { left: 0, top: 0, width: 32, height: 24 } : { left: 4, top: 0, width: 24, height: 24 });
      }
    }
    const truncated = path.join(dir, 't.jpg');
    writeFileSync(truncated, readFileSync(file).subarray(0, 300));
    await expect(loadImage(truncated, 32, 'bilinear')).rejects.toThrow(/t\.jpg: not a readable JPEG/);
    await expect(loadImage(path.join(dir, 'gone.jpg'), 32, 'bilinear')).rejects.toThrow(/gone\.jpg: file not found/);
  });
});

describe('fastJpegStatus (dfl doctor)', () => {
  it('says whether the fast path is in use, and why not when it is not', () => {
    const statusWith = (env: string | undefined) => {
      const saved = process.env.DFL_JPEG_ADDON;
      if (env === undefined) delete process.env.DFL_JPEG_ADDON;
      else process.env.DFL_JPEG_ADDON = env;
      try {
        let status: { available: boolean; detail: string } | undefined;
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module, reading the env anew
          status = (require('./fast-jpeg') as typeof import('./fast-jpeg')).fastJpegStatus();
        });
        return status!;
      } finally {
        if (saved === undefined) delete process.env.DFL_JPEG_ADDON;
        else process.env.DFL_JPEG_ADDON = saved;
      }
    };
    expect(statusWith('off')).toEqual({ available: false, detail: expect.stringMatching(/^disabled by DFL_JPEG_ADDON=off; sharp decodes every image/) });
    const normal = statusWith(undefined);
    expect(normal.available).toBe(hasFastJpeg());
    expect(normal.detail).toMatch(hasFastJpeg() ? /dfl_jpeg\.node \(libjpeg-turbo/ : /not built \(install libjpeg62-turbo-dev/);
  });
});
