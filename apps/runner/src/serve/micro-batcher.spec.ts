import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('scores requests submitted together in one call, each getting its own result', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (xs) => (calls.push(xs), xs.map((x) => x * 10)), { maxBatch: 8, windowMs: 5 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((x) => batcher.submit(x)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(calls).toEqual([[1, 2, 3, 4, 5]]);
    expect(batcher.stats()).toEqual({ batches: 1, items: 5, queued: 0 });
  });

  it('never exceeds maxBatch, and what queues while a batch runs forms the next one', async () => {
    const calls: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (xs) => (calls.push(xs), xs), { maxBatch: 3, windowMs: 1000 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((x) => batcher.submit(x)));
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // a full batch does not wait for the window; the rest run as soon as the model is free
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('fails every item of a failing batch and keeps serving the next ones', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>(
      async (xs) => {
        if (fail) throw new Error('model exploded');
        return xs;
      },
      { maxBatch: 4, windowMs: 0 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('model exploded');
    fail = false;
    await expect(batcher.submit(2)).resolves.toBe(2);
  });

  it('rejects when the batch function returns the wrong number of results', async () => {
    const batcher = new MicroBatcher<number, number>(async () => [1, 2], { maxBatch: 4, windowMs: 0 });
    await expect(batcher.submit(1)).rejects.toThrow('2 results for 1 items');
  });

  it('tells when everything accepted has been scored', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number, number>(async (xs) => (await gate, xs), { maxBatch: 2, windowMs: 0 });
    await batcher.whenIdle();
    const results = [1, 2, 3].map((x) => batcher.submit(x));
    let idle = false;
    const waiting = batcher.whenIdle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
    expect(batcher.stats()).toEqual({ batches: 2, items: 3, queued: 0 });
  });
});
