import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { buildTtaViews, createImage, createTtaLoader, encodeImage, ttaBatchFromImages, type Batch, type DatasetItem, type ImageInputConfig } from '@dfl/data';
import { assertBoxInside, FaceBoxOutsideError } from './check-face-box';
import { attachTestFaceBoxes, describeFaceBoxUse, noCropWarning } from './test-face-boxes';

const INPUT: ImageInputConfig = { size: 16, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3], interpolation: 'bilinear' };
const VIEWS = buildTtaViews([{ name: 'identity' }, { name: 'hflip' }]);

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dfl-face-views-'));
  // a 60x40 picture with a different colour in every pixel, so any offset in the crop shows
  const image = createImage(60, 40);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 37 + (i >> 5)) & 255;
  writeFileSync(file('a.jpg'), await encodeImage(image, 'jpeg', 85));
  writeFileSync(file('b.png'), await encodeImage(image, 'png'));
  // stored 60x40, displayed 40x60 (EXIF orientation 6: rotate 90 degrees clockwise)
  writeFileSync(file('rotated.jpg'), await sharp(await encodeImage(image, 'png')).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loaderViews(item: DatasetItem): Promise<Batch[]> {
  for await (const batch of createTtaLoader({ items: [item], input: INPUT, views: VIEWS, batchSize: 1 }).batches()) return batch;
  throw new Error('no batch');
}

describe('ttaBatchFromImages with a face box (the test API path)', () => {
  const box = { x1: 10.5, y1: 4, x2: 31, y2: 30 };

  it.each(['a.jpg', 'b.png'])('gives the pixels the evaluation loader gives the item with that box, from a path and from the bytes (%s)', async (name) => {
    const expected = await loaderViews({ path: file(name), name, label: null, face: { box, margin: 0.25 } });
    for (const source of [file(name), readFileSync(file(name))]) {
      const got = await ttaBatchFromImages([{ name, source, face: { box, margin: 0.25 } }], INPUT, VIEWS);
      expect(got).toHaveLength(2);
      got.forEach((view, v) => {
        expect(view.shape).toEqual([1, 16, 16, 3]);
        expect(view.names).toEqual([name]);
        expect(Array.from(view.images)).toEqual(Array.from(expected[v].images));
      });
    }
    const whole = await loaderViews({ path: file(name), name, label: null });
    expect(Array.from(whole[0].images)).not.toEqual(Array.from(expected[0].images));
  });

  it('takes the box in pixels of the displayed image (after EXIF orientation), as the loader does', async () => {
    const tall = { x1: 5, y1: 44, x2: 35, y2: 58 }; // below the stored image's 40 rows, inside the displayed 60
    const expected = await loaderViews({ path: file('rotated.jpg'), name: 'r', label: null, face: { box: tall, margin: 0.1 } });
    for (const source of [file('rotated.jpg'), readFileSync(file('rotated.jpg'))]) {
      const got = await ttaBatchFromImages([{ name: 'r', source, face: { box: tall, margin: 0.1 } }], INPUT, VIEWS);
      expect(Array.from(got[1].images)).toEqual(Array.from(expected[1].images));
    }
    const whole = await loaderViews({ path: file('rotated.jpg'), name: 'r', label: null });
    expect(Array.from(whole[1].images)).not.toEqual(Array.from(expected[1].images));
  });

  it('refuses a box lying outside the image, naming the image and its size', async () => {
    const err = await assertBoxInside({ name: 'a.jpg', source: file('a.jpg'), box: { x1: 70, y1: 0, x2: 90, y2: 10 } }, 0).catch((e: Error) => e);
    expect(err).toBeInstanceOf(FaceBoxOutsideError);
    expect((err as FaceBoxOutsideError).reason).toBe('a.jpg: box [70, 0, 90, 10] lies outside the 60x40 image');
  });
});

describe('attachTestFaceBoxes', () => {
  it('crops the images with a row, scores the rest whole (counted), and drops a box outside its image', async () => {
    writeFileSync(file('boxes.csv'), 'img_name,x1,y1,x2,y2\na.jpg,1,2,30,20\nb.png,100,100,120,130\nc.jpg,1,1,2,2\n');
    const items: DatasetItem[] = ['a.jpg', 'b.png', 'd.jpg'].map((n) => ({ path: file(n), name: n, label: null }));
    const { items: out, use } = await attachTestFaceBoxes(items, file('boxes.csv'), 0.1);
    expect(out.map((i) => i.face ?? null)).toEqual([{ box: { x1: 1, y1: 2, x2: 30, y2: 20 }, margin: 0.1 }, null, null]);
    expect(use).toMatchObject({ cropped: 1, withoutBox: 1, outside: ['b.png'], unmatchedRows: 1, margin: 0.1 });
    expect(describeFaceBoxUse(use, 3)).toBe(
      `face crops: 1 of 3 images (margin 0.1); scored whole: 1 without a box in ${file('boxes.csv')}, 1 whose box lies outside the image (b.png); 1 row(s) of ${file('boxes.csv')} name no image being scored`,
    );
  });

  it('warns when the file crops none of the images (e.g. another split\'s boxes)', async () => {
    writeFileSync(file('other.csv'), 'img_name,x1,y1,x2,y2\nval_0001.jpg,1,2,30,20\n');
    const { use } = await attachTestFaceBoxes([{ path: file('a.jpg'), name: 'a.jpg', label: null }], file('other.csv'), 0);
    expect(noCropWarning(use, 1)).toBe(`warning: ${file('other.csv')} gives none of the 1 images a usable box (check its img_name column against the file names): all are scored whole`);
    const { use: fine } = await attachTestFaceBoxes([{ path: file('a.jpg'), name: 'a.jpg', label: null }], file('boxes.csv'), 0);
    expect(noCropWarning(fine, 1)).toBeNull();
  });

  it('names the file and line of a bad row', async () => {
    writeFileSync(file('bad.csv'), 'img_name,x1,y1,x2,y2\na.jpg,1,2,30,20\nb.png,9,1,3,4\n');
    await expect(attachTestFaceBoxes([], file('bad.csv'), 0)).rejects.toThrow(`${file('bad.csv')}:3`);
  });
});
