import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Interpolation } from './input-config';
import { resampleNative } from './fast-jpeg';
import { resample } from './resample';

interface Fixture {
  readonly pillow: string;
  readonly images: ReadonlyArray<{
    readonly width: number;
    readonly height: number;
    readonly data: string;
    readonly outWidth: number;
    readonly outHeight: number;
    readonly cases: ReadonlyArray<{ readonly filter: Interpolation; readonly box: [number, number, number, number] | null; readonly out: string }>;
  }>;
}

// made by fixtures/make_resample_fixtures.py with Debian's Pillow (what torchvision's Resize calls for a PIL image)
const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'resample.json'), 'utf8')) as Fixture;
const cases = fixture.images.flatMap((img) =>
  img.cases.map((c) => ({
    label: `${img.width}x${img.height} -> ${img.outWidth}x${img.outHeight} ${c.filter}${c.box ? ` box ${c.box.join(',')}` : ''}`,
    image: { width: img.width, height: img.height, data: new Uint8Array(Buffer.from(img.data, 'base64')) },
    size: [img.outWidth, img.outHeight] as const,
    filter: c.filter,
    box: c.box ? { left: c.box[0], top: c.box[1], right: c.box[2], bottom: c.box[3] } : undefined,
    want: Buffer.from(c.out, 'base64'),
  })),
);

describe(`resample (Pillow ${fixture.pillow}'s Image.resize)`, () => {
  it.each(cases)('$label: the same bytes as Pillow, in JS and in C', ({ image, size, filter, box, want }) => {
    const got = resample(image, size[0], size[1], filter, box);
    expect([got.width, got.height]).toEqual([...size]);
    expect(Buffer.from(got.data).equals(want)).toBe(true);
    // the JPEG addon's copy (native/resample.c), when built (scripts/build-addon.js; CI builds it)
    const native = resampleNative(image, size[0], size[1], filter, box ?? { left: 0, top: 0, right: image.width, bottom: image.height });
    if (native) expect(Buffer.from(native.data).equals(want)).toBe(true);
  });

  it('never hands back the input array', () => {
    const image = cases[0].image;
    const same = resample(image, image.width, image.height, 'bilinear');
    expect(same.data).not.toBe(image.data);
    expect(Buffer.from(same.data).equals(Buffer.from(image.data))).toBe(true);
  });
});
