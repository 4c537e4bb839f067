import * as tf from '@tensorflow/tfjs';
import { BufferPool, defaultPoolBytes, sizeClass } from './buffer-pool';
import { describeNative } from './testing/compare';

describe('sizeClass', () => {
  it('rounds up by at most a quarter octave, to whole pages', () => {
    for (const bytes of [1, 4096, 4097, 65536 * 4, 12_345_678, 50_331_648]) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 4096).toBe(0);
      expect(c).toBeLessThanOrEqual(Math.max(4096, bytes * 1.19 + 4096));
    }
  });
});

describe('BufferPool cap', () => {
  it('keeps freed arrays up to its cap and drops the rest', () => {
    const floats = 1 << 16;
    const bytes = sizeClass(floats * 4);
    const pool = new BufferPool(floats, 2 * bytes);
    const arrays = [0, 1, 2].map(() => pool.alloc(floats));
    for (const a of arrays) pool.stored(a);
    for (const a of arrays) pool.released(a);
    const again = [0, 1, 2].map(() => pool.alloc(floats));
    expect(pool.reused).toBe(2);
    expect(pool.allocated).toBe(4);
    expect(again.filter((a) => arrays.some((b) => b.buffer === a.buffer))).toHaveLength(2);
  });

  it('defaults to a quarter of the memory, never below 1 GiB', () => {
    expect(defaultPoolBytes(16 * 2 ** 30)).toBe(4 * 2 ** 30);
    expect(defaultPoolBytes(2 * 2 ** 30)).toBe(2 ** 30);
  });
});

const big = [4, 128, 130]; // above the pool's 65536-float threshold

describeNative('output arrays are recycled only when nothing can still see them', () => {
  beforeEach(() => tf.setBackend('native'));
  afterEach(() => tf.setBackend('cpu'));

  function valuesOf(t: tf.Tensor): Float32Array {
    const backend = tf.engine().findBackend('native') as unknown as { data: { get(id: tf.DataId): { values: Float32Array } } };
    return backend.data.get(t.dataId).values;
  }

  it('reuses a disposed output of the same size', () => {
    const x = tf.ones(big);
    const a = tf.relu(x);
    const first = valuesOf(a);
    a.dispose();
    const b = tf.relu(x);
    expect(valuesOf(b).buffer).toBe(first.buffer);
    expect(b.dataSync()[0]).toBe(1);
    tf.dispose([x, b]);
  });

  it('serves a slightly smaller output from the same buffer', () => {
    const x = tf.ones(big);
    const a = tf.relu(x);
    const first = valuesOf(a).buffer;
    a.dispose();
    const b = tf.neg(tf.slice(x, [0, 0, 0], [4, 128, 129])); // the slice is a view; neg allocates
    expect(valuesOf(b).buffer).toBe(first);
    expect(b.shape).toEqual([4, 128, 129]);
    expect(b.dataSync().length).toBe(4 * 128 * 129);
    expect(b.dataSync()[0]).toBe(-1);
    tf.dispose([x, b]);
  });

  it('never reuses an array handed out by dataSync', () => {
    const x = tf.ones(big);
    const a = tf.relu(x);
    const seen = a.dataSync();
    a.dispose();
    const b = tf.neg(x);
    expect(valuesOf(b).buffer).not.toBe(seen.buffer);
    expect(seen[0]).toBe(1); // still the disposed tensor's values
    tf.dispose([x, b]);
  });

  it('keeps an array while a slice of it is alive', () => {
    const x = tf.ones(big);
    const a = tf.relu(x);
    const s = tf.slice(a, [1], [2]); // the cpu backend stores a view of a's array
    a.dispose();
    const b = tf.neg(x); // same size as a: must not overwrite the slice
    expect(Array.from(s.dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    tf.dispose([x, s, b]);
  });

  it('reshape and clone share data safely', () => {
    const x = tf.ones(big);
    const a = tf.relu(x);
    const r = tf.reshape(a, [-1]);
    a.dispose();
    const b = tf.neg(x);
    expect(r.dataSync()[5]).toBe(1);
    tf.dispose([x, r, b]);
  });
});
