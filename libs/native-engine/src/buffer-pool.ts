import * as os from 'os';
import type * as tf from '@tensorflow/tfjs';

/**
 * Reuses the large Float32Arrays the native kernels return. A fresh 8 MB array costs ~5x the arithmetic that
 * fills it (the OS maps and zeroes new pages on first touch), and a training step allocates gigabytes of them.
 *
 * Safety: an array returns to the pool only when no tensor stores it (or a view of it) any more and its contents
 * never left the backend: every array passed to readSync (dataSync, data, print, moving to another backend) is
 * marked escaped and never reused, since user code may keep it after disposing the tensor.
 */
export class BufferPool {
  /** Free buffers by byte size (a size class). */
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Pooled ArrayBuffers, with how many stored tensor data entries use them (slices share their buffer). */
  private readonly users = new Map<ArrayBuffer, number>();
  private readonly escaped = new WeakSet<ArrayBuffer>();
  private freeBytes = 0;
  reused = 0;
  allocated = 0;

  /** `minFloats`: smaller outputs are plain arrays; `maxFreeBytes`: at most this much kept for reuse. */
  constructor(private readonly minFloats = 1 << 16, private readonly maxFreeBytes = defaultPoolBytes()) {}

  /** An array of `length` floats with unspecified contents: the kernel must write every element. */
  alloc(length: number): Float32Array {
    if (length < this.minFloats) return new Float32Array(length);
    // Buffers come in size classes (at most 19% larger than asked), so a freed buffer serves every length of
    // its class: networks allocate many slightly different sizes, and a miss costs fresh pages.
    const capacity = sizeClass(length * 4);
    const recycled = this.free.get(capacity)?.pop();
    if (recycled) {
      this.freeBytes -= capacity;
      this.reused++;
      this.users.set(recycled, 0);
      return new Float32Array(recycled, 0, length);
    }
    // Not zero-filled: every native kernel overwrites its whole output.
    const bytes = Buffer.allocUnsafeSlow(capacity);
    this.users.set(bytes.buffer as ArrayBuffer, 0);
    this.allocated++;
    return new Float32Array(bytes.buffer, bytes.byteOffset, length);
  }

  /** The cpu backend stored `values` under a data id. */
  stored(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer && this.users.has(buffer)) this.users.set(buffer, this.users.get(buffer)! + 1);
  }

  /** The cpu backend deleted a data id that stored `values`. */
  released(values: unknown): void {
    const buffer = bufferOf(values);
    if (!buffer || !this.users.has(buffer)) return;
    const left = this.users.get(buffer)! - 1;
    if (left > 0) {
      this.users.set(buffer, left);
      return;
    }
    this.users.delete(buffer);
    if (this.escaped.has(buffer) || this.freeBytes + buffer.byteLength > this.maxFreeBytes) return;
    const list = this.free.get(buffer.byteLength) ?? [];
    list.push(buffer);
    this.free.set(buffer.byteLength, list);
    this.freeBytes += buffer.byteLength;
  }

  /** `values` was handed out of the backend (readSync): never reuse it. */
  escape(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer && this.users.has(buffer)) this.escaped.add(buffer);
  }

  /** Drops every free array (the GC reclaims them). */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }
}

/**
 * The default cap on free arrays: a quarter of the machine's memory, at least 1 GiB. Disposing a training step's
 * tape frees its whole forward pass at once (efficientnet_b0, batch 32, 128 px: between 1 and 2 GiB); a 1 GiB cap
 * dropped the rest, and every step then mapped ~1 GiB of fresh pages: page faults and garbage collections were 40%
 * of its CPU time. The pool holds only arrays the process had alive at once, so a high cap costs nothing while a
 * workload's sizes stay the same.
 */
export function defaultPoolBytes(totalMemory = os.totalmem()): number {
  return Math.max(2 ** 30, Math.floor(totalMemory / 4));
}

/** The smallest 2^(k/4) at or above `bytes`, in whole 4 KiB pages. */
export function sizeClass(bytes: number): number {
  const k = Math.ceil(Math.log2(Math.max(bytes, 4096)) * 4);
  return Math.ceil(2 ** (k / 4) / 4096) * 4096;
}

function bufferOf(values: unknown): ArrayBuffer | undefined {
  return values instanceof Float32Array ? (values.buffer as ArrayBuffer) : undefined;
}

interface CpuBackendInternals {
  data: { get(id: tf.DataId): { values?: unknown } | undefined; has(id: tf.DataId): boolean };
  write(values: unknown, shape: number[], dtype: tf.DataType): tf.DataId;
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: tf.DataId): unknown;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Wraps a cpu backend instance's storage methods so `pool` sees every store, release and escape. */
export function trackBackendStorage(backend: object, pool: BufferPool): void {
  const b = backend as CpuBackendInternals;
  const write = b.write.bind(b);
  const move = b.move.bind(b);
  const readSync = b.readSync.bind(b);
  const disposeData = b.disposeData.bind(b);
  b.write = (values, shape, dtype) => {
    pool.stored(values);
    return write(values, shape, dtype);
  };
  b.move = (dataId, values, shape, dtype, refCount) => {
    pool.stored(values);
    move(dataId, values, shape, dtype, refCount);
  };
  b.readSync = (dataId) => {
    pool.escape(b.data.get(dataId)?.values);
    return readSync(dataId);
  };
  b.disposeData = (dataId, force) => {
    const values = b.data.get(dataId)?.values;
    const result = disposeData(dataId, force);
    if (values !== undefined && !b.data.has(dataId)) pool.released(values);
    return result;
  };
}
