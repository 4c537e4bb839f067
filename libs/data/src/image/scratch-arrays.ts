/**
 * Typed arrays kept between calls, by name, grown when too small: for a face crop, allocating (and later
 * collecting) a few hundred KiB per call costs a good part of what the arithmetic does. Only for synchronous code
 * that is not re-entered while it holds an array: one instance per module is then safe, as each worker thread has
 * its own module instances.
 */
export class ScratchArrays {
  private readonly floatArrays = new Map<string, Float32Array>();
  private readonly intArrays = new Map<string, Int32Array>();

  /** A Float32Array of at least `length` values (contents left from earlier use). */
  floats(name: string, length: number): Float32Array {
    let a = this.floatArrays.get(name);
    if (!a || a.length < length) this.floatArrays.set(name, (a = new Float32Array(Math.ceil(length * 1.25))));
    return a;
  }

  /** An Int32Array of at least `length` values (contents left from earlier use). */
  ints(name: string, length: number): Int32Array {
    let a = this.intArrays.get(name);
    if (!a || a.length < length) this.intArrays.set(name, (a = new Int32Array(Math.ceil(length * 1.25))));
    return a;
  }
}
