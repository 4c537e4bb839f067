import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { CsvFileError, parseFaceBoxCsv } from '../csv';
import { createImage } from '../image/rgb-image';
import { createBatchLoader } from '../loader/batch-loader';
import { createTtaLoader } from '../tta/tta-loader';
import { buildTtaViews } from '../tta/tta-views';
import type { Batch } from '../loader/stream-batches';
import { tempDir, writeImage } from '../testing/test-images';
import { attachFaceBoxes, faceCropRect } from './face-crop';
import { buildManifest } from './manifest';
import { openSplit } from './open-split';

const FILE = '/data/boxes.csv';
const errorOf = (text: string) => {
  try {
    parseFaceBoxCsv(text, FILE);
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
};

describe('face-box CSV', () => {
  it('reads img_name,x1,y1,x2,y2 in any column order, ignoring other columns', () => {
    const rows = parseFaceBoxCsv('score,x2,img_name,y2,x1,y1\n0.9,30,a.jpg,40.5,10,12\n0.8,5,b.png,6,0,0\n', FILE);
    expect(rows).toEqual([
      { name: 'a.jpg', box: { x1: 10, y1: 12, x2: 30, y2: 40.5 }, line: 2 },
      { name: 'b.png', box: { x1: 0, y1: 0, x2: 5, y2: 6 }, line: 3 },
    ]);
  });

  it.each([
    ['img_name,x1,y1,x2,y2\na.jpg,1,2,3,4\nb.jpg,1,two,3,4\n', /boxes\.csv:3: y1 must be a number of pixels, found 'two'/],
    ['img_name,x1,y1,x2,y2\na.jpg,-1,2,3,4\n', /boxes\.csv:2: x1 must be >= 0, found -1/],
    ['img_name,x1,y1,x2,y2\na.jpg,5,2,5,4\n', /boxes\.csv:2: x2 must be greater than x1, found x1=5 x2=5/],
    ['img_name,x1,y1,x2,y2\na.jpg,1,9,3,4\n', /boxes\.csv:2: y2 must be greater than y1/],
    ['img_name,x1,y1,x2,y2\na.jpg,1,2,3,4\n\na.jpg,1,2,3,5\n', /boxes\.csv:4: duplicate img_name 'a\.jpg' \(first on line 2\)/],
    ['img_name,x1,y1,x2\na.jpg,1,2,3\n', /boxes\.csv:1: wrong header: .*missing 'y2'/],
    ['img_name,x1,y1,x2,y2\na.jpg,1,2,3\n', /boxes\.csv:2: expected 5 fields like the header, found 4/],
  ])('names the file and line of a bad row (%#)', (text, message) => {
    const err = errorOf(text);
    expect(err).toBeInstanceOf(CsvFileError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('faceCropRect', () => {
  it('moves each side out by margin x the box size, rounds outwards and clips to the image', () => {
    expect(faceCropRect({ x1: 10, y1: 20, x2: 30, y2: 60 }, 0, 100, 100)).toEqual({ left: 10, top: 20, width: 20, height: 40 });
    expect(faceCropRect({ x1: 10, y1: 20, x2: 30, y2: 60 }, 0.25, 100, 100)).toEqual({ left: 5, top: 10, width: 30, height: 60 });
    expect(faceCropRect({ x1: 10.5, y1: 20.2, x2: 29.5, y2: 59.9 }, 0, 100, 100)).toEqual({ left: 10, top: 20, width: 20, height: 40 });
    expect(faceCropRect({ x1: 10, y1: 20, x2: 30, y2: 60 }, 1, 40, 70)).toEqual({ left: 0, top: 0, width: 40, height: 70 });
    expect(faceCropRect({ x1: 120, y1: 0, x2: 130, y2: 10 }, 0, 100, 100)).toBeNull();
  });

  it('attaches boxes by name and counts the images without one and the rows matching none', () => {
    const items = [
      { path: '/x/a.jpg', name: 'a.jpg', label: 0 as const },
      { path: '/x/b.jpg', name: 'b.jpg', label: 1 as const },
    ];
    const rows = parseFaceBoxCsv('img_name,x1,y1,x2,y2\na.jpg,1,2,3,4\nzzz.jpg,1,2,3,4\n', FILE);
    const match = attachFaceBoxes(items, rows, 0.5);
    expect(match.items[0].face).toEqual({ box: { x1: 1, y1: 2, x2: 3, y2: 4 }, margin: 0.5 });
    expect(match.items[1].face).toBeUndefined();
    expect([match.withoutBox, match.unmatchedRows]).toEqual([1, 1]);
  });
});

describe('face crops in the loaders', () => {
  // 40x20: red left half, blue right half; the face box lies in the blue half
  const halves = () => {
    const img = createImage(40, 20);
    for (let i = 0; i < 40 * 20; i++) img.data.set((i % 40) < 20 ? [255, 0, 0] : [0, 0, 255], i * 3);
    return img;
  };
  const input = { size: 8, mean: [0, 0, 0], std: [1, 1, 1], interpolation: 'bilinear' } as const;
  const redFraction = (batch: Batch, i: number) => {
    const px = batch.images.subarray(i * 8 * 8 * 3, (i + 1) * 8 * 8 * 3);
    let red = 0;
    for (let p = 0; p < px.length; p += 3) if (px[p] > 0.5) red++;
    return red / 64;
  };

  it('crops the box plus its margin before resizing; an image without a box is used whole', async () => {
    const root = tempDir('dfl-faces-');
    mkdirSync(path.join(root, 'trainset'));
    for (const name of ['a.png', 'b.png', 'c.png']) await writeImage(path.join(root, 'trainset', name), halves());
    writeFileSync(path.join(root, 'train_label.txt'), 'img_name,target\na.png,0\nb.png,1\nc.png,0\n');
    writeFileSync(path.join(root, 'boxes.csv'), 'img_name,x1,y1,x2,y2\na.png,24,4,36,16\nb.png,24,4,36,16\n');
    const open = (faceMargin: number) => openSplit({ root, layout: 'challenge', images: 'trainset', labels: 'train_label.txt', faceBoxes: 'boxes.csv', faceMargin });
    const tight = await open(0);
    expect(tight.faces).toEqual({ file: path.join(root, 'boxes.csv'), withBox: 2, withoutBox: 1, unmatchedRows: 0 });

    const batches: Batch[] = [];
    for await (const b of createBatchLoader({ items: tight.items, input, batchSize: 3, seed: 1 }).epoch(0)) batches.push(b);
    expect(batches[0].names).toEqual(['a.png', 'b.png', 'c.png']);
    expect([0, 1, 2].map((i) => redFraction(batches[0], i))).toEqual([0, 0, 0.5]);

    // margin 0.5: the crop reaches x = 18, two of its 24 columns red
    const loose = await open(0.5);
    const worker = createBatchLoader({ items: loose.items, input, batchSize: 3, seed: 1, workers: 1 });
    try {
      const [viaWorker] = await (async () => {
        const out: Batch[] = [];
        for await (const b of worker.epoch(0)) out.push(b);
        return out;
      })();
      expect(redFraction(viaWorker, 0)).toBeGreaterThan(0);
      expect(redFraction(viaWorker, 0)).toBeLessThan(0.25);
      const [here] = await (async () => {
        const out: Batch[] = [];
        for await (const b of createBatchLoader({ items: loose.items, input, batchSize: 3, seed: 1, workers: 0 }).epoch(0)) out.push(b);
        return out;
      })();
      expect([...viaWorker.images]).toEqual([...here.images]);
    } finally {
      await worker.close();
    }

    // evaluation crops the same way, and the manifest hash changes with the boxes
    const [views] = await (async () => {
      const out: Batch[][] = [];
      for await (const b of createTtaLoader({ items: tight.items, input, views: buildTtaViews([{ name: 'identity' }]), batchSize: 3 }).batches()) out.push(b);
      return out;
    })();
    expect([0, 1, 2].map((i) => redFraction(views[0], i))).toEqual([0, 0, 0.5]);
    const plain = await openSplit({ root, layout: 'challenge', images: 'trainset', labels: 'train_label.txt' });
    const hashes = await Promise.all([plain, tight, loose].map((s) => buildManifest(s.items, { quiet: true }).then((m) => m.sha256)));
    expect(new Set(hashes).size).toBe(3);
  });

  it('takes the box in the displayed image of an EXIF-rotated file', async () => {
    const dir = tempDir('dfl-faces-exif-');
    // stored 20 wide x 40 high with the red half on top; orientation 6 displays it 40x20 with red on the right
    const stored = createImage(20, 40);
    for (let i = 0; i < 20 * 40; i++) stored.data.set(i < 20 * 20 ? [255, 0, 0] : [0, 0, 255], i * 3);
    const file = path.join(dir, 'r.png');
    await sharp(stored.data, { raw: { width: 20, height: 40, channels: 3 } }).png().withMetadata({ orientation: 6 }).toFile(file);
    const item = { path: file, name: 'r.png', label: 0 as const };
    const crop = (x1: number, x2: number) => ({ ...item, face: { box: { x1, y1: 4, x2, y2: 16 }, margin: 0 } });
    const out: Batch[] = [];
    for await (const b of createBatchLoader({ items: [crop(2, 14), crop(26, 38)], input, batchSize: 2, seed: 1 }).epoch(0)) out.push(b);
    expect([redFraction(out[0], 0), redFraction(out[0], 1)]).toEqual([0, 1]);
  });
});
