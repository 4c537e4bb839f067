import { orderedMap } from './ordered-map';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('orderedMap', () => {
  it('yields in input order, never runs more than `concurrency` at once nor starts more than `window` ahead', async () => {
    let running = 0;
    let maxRunning = 0;
    let started = 0;
    let consumed = 0;
    let maxAhead = 0;
    const fn = async (i: number) => {
      started++;
      maxAhead = Math.max(maxAhead, started - consumed);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep((i * 7) % 5); // finish out of order
      running--;
      return i * 10;
    };
    const out: number[] = [];
    for await (const r of orderedMap(Array.from({ length: 40 }, (_, i) => i), fn, 6, 3)) {
      consumed++;
      if (r.ok) out.push(r.value);
    }
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 10));
    expect(maxRunning).toBe(3);
    expect(maxAhead).toBeLessThanOrEqual(7);
  });

  it('yields errors in place instead of throwing', async () => {
    const results = [];
    for await (const r of orderedMap([1, 2, 3], async (i) => {
      if (i === 2) throw new Error('bad 2');
      return i;
    }, 2, 2)) results.push(r.ok ? r.value : (r.error as Error).message);
    expect(results).toEqual([1, 'bad 2', 3]);
  });
});
