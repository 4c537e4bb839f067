import { SeededRandom } from '@dfl/core';
import { texturedImage } from '../../testing/test-images';
import { convexHull } from './blend-mask';
import { selfBlend } from './self-blend';

describe('selfBlend (SBI)', () => {
  const image = texturedImage(64, 64, 9);

  it.each([1, 2, 3, 4, 5])('changes pixels only inside its mask (seed %i)', async (seed) => {
    const { image: fake, mask } = await selfBlend(image, new SeededRandom(seed));
    let changedInside = 0;
    let inside = 0;
    for (let p = 0; p < mask.length; p++) {
      const changed = fake.data[p * 3] !== image.data[p * 3] || fake.data[p * 3 + 1] !== image.data[p * 3 + 1] || fake.data[p * 3 + 2] !== image.data[p * 3 + 2];
      if (mask[p] === 0) expect(changed).toBe(false);
      else {
        inside++;
        if (changed) changedInside++;
      }
    }
    // a face-centred region: not empty, not the whole crop, and most of it actually changed
    expect(inside).toBeGreaterThan(mask.length * 0.15);
    expect(inside).toBeLessThan(mask.length * 0.9);
    expect(changedInside).toBeGreaterThan(inside * 0.5);
    expect(mask[0]).toBe(0);
    expect(mask[32 * 64 + 32]).toBeGreaterThan(0);
  });

  it('is deterministic under a seed', async () => {
    const a = await selfBlend(image, new SeededRandom(3));
    const b = await selfBlend(image, new SeededRandom(3));
    const c = await selfBlend(image, new SeededRandom(4));
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it('masks the landmark hull when landmarks are given', async () => {
    // landmarks in the left half only: the mask must stay near them
    const landmarks: Array<[number, number]> = [[0.1, 0.2], [0.35, 0.2], [0.35, 0.8], [0.1, 0.8], [0.2, 0.5]];
    const { mask } = await selfBlend(image, new SeededRandom(2), undefined, landmarks);
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
  });

  it('convexHull drops interior points', () => {
    expect(convexHull([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2]]).length).toBe(4);
  });
});
