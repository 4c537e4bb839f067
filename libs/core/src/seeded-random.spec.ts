import { SeededRandom, deriveSeed } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0,1) with mean near 1/2 and normals with unit variance', () => {
    const r = new SeededRandom(7);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      const z = r.normal();
      sq += z * z;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(sq / n).toBeCloseTo(1, 1);
  });

  it('shuffles to a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new SeededRandom(1).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });

  it('derives different seeds for different parts', () => {
    expect(deriveSeed(1, 'epoch', 0)).toBe(deriveSeed(1, 'epoch', 0));
    expect(deriveSeed(1, 'epoch', 0)).not.toBe(deriveSeed(1, 'epoch', 1));
  });
});
