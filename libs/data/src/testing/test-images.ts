import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SeededRandom } from '@dfl/core';
import { createImage, type RgbImage } from '../image/rgb-image';

/** Test helpers: small images made on the fly (no fixtures checked in). */

const created: string[] = [];
// jest evaluates this module once per spec file, while it collects the tests: the hook cleans up after that file
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed after the spec file's tests. */
export function tempDir(prefix = 'dfl-data-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A deterministic, textured image (gradient + seeded noise + a bright disc) so every augmentation changes something. */
export function texturedImage(width: number, height: number, seed = 1): RgbImage {
  const rng = new SeededRandom(seed);
  const img = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const disc = (x - width * 0.4) ** 2 + (y - height * 0.45) ** 2 < (Math.min(width, height) * 0.25) ** 2 ? 80 : 0;
      img.data[i] = Math.min(255, Math.round((x / width) * 150 + disc + rng.int(30)));
      img.data[i + 1] = Math.min(255, Math.round((y / height) * 150 + rng.int(30)));
      img.data[i + 2] = Math.min(255, Math.round(100 + disc / 2 + rng.int(30)));
    }
  }
  return img;
}

/** Writes an image file (format from the extension) and returns its path. */
export async function writeImage(file: string, image: RgbImage, quality = 95): Promise<string> {
  const p = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const ext = path.extname(file).toLowerCase();
  const bytes = ext === '.png' ? await p.png().toBuffer() : ext === '.webp' ? await p.webp({ quality }).toBuffer() : await p.jpeg({ quality }).toBuffer();
  writeFileSync(file, bytes);
  return file;
}
