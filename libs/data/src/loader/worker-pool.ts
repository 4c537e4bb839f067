import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AugmentStepConfig } from '../augment/augment-pipeline';
import type { ImageInputConfig } from '../image/input-config';
import { ImageLoadError } from './load-image';
import type { StreamSample } from './stream-batches';

/** What a worker needs to rebuild the loader's per-sample work (plain data: it is copied to the thread). */
export interface WorkerSetup {
  readonly input: ImageInputConfig;
  readonly fit?: 'fill' | 'cover';
  /** The augmentation steps as configs (built-in names only), or null for none. */
  readonly steps: readonly AugmentStepConfig[] | null;
}

/** A run of consecutive samples (one batch's worth) for one worker. */
export interface PrepareJob {
  readonly id: number;
  readonly samples: readonly StreamSample[];
  /** A released batch array (transferred) to fill instead of a fresh one, when it is exactly the right size. */
  readonly into?: Float32Array;
}

export interface SampleFailure {
  readonly index: number;
  readonly load?: { readonly path: string; readonly reason: string };
  readonly message: string;
  readonly stack?: string;
}

export type PrepareReply =
  | { readonly id: number; readonly ok: true; readonly floats: Float32Array; readonly failed: readonly SampleFailure[] }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly stack?: string };

/** A job's result: the samples' floats, back to back (a failed sample's slot is garbage), and the failures. */
export interface PreparedRun {
  readonly floats: Float32Array;
  /** Per failed sample: an ImageLoadError for a bad image (as the in-thread path throws), else the error. */
  readonly failed: ReadonlyMap<number, Error>;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (run: PreparedRun) => void; reject: (err: unknown) => void }>;
}

/**
 * Worker threads that each prepare runs of samples (decode, augment, normalise: `prepare-worker.ts`) into an
 * array (a released batch's, sent along, or a fresh one) and hand it over by transfer: a batch crosses threads without a copy and the loader's
 * thread does no per-image work. Samples carry their own seed, so the output does not depend on which worker ran
 * them nor on how many there are. Workers are unreferenced while idle: an unclosed pool never keeps the process
 * alive, but one with work in flight does.
 */
export class PreparePool {
  private readonly slots: Slot[];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(size: number, setup: WorkerSetup) {
    // sharp is loaded in this thread already (load-image imports it), as it must be before any worker loads it
    const entry = path.join(__dirname, `prepare-worker${path.extname(__filename)}`);
    // running from TypeScript sources (the CLI, jest), the thread compiles them with SWC itself (see BOOTSTRAP)
    const swc = __filename.endsWith('.ts') ? require.resolve('@swc/core') : null;
    this.slots = Array.from({ length: size }, () => {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { entry, swc, setup } });
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (reply: PrepareReply) => this.settle(slot, reply));
      worker.on('error', (err) => this.fail(new Error(`data loader worker failed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => {
        if (slot.pending.size > 0) this.fail(new Error(`data loader worker exited (code ${code}) with ${slot.pending.size} job(s) in flight`));
      });
      worker.unref();
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Prepares a run of samples in the least busy worker, into `into` when given (it is transferred: the caller
   * must not touch it again; the result's floats are that memory when it fits the run).
   */
  prepare(samples: readonly StreamSample[], into?: Float32Array): Promise<PreparedRun> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      if (into) slot.worker.postMessage({ id, samples, into } satisfies PrepareJob, [into.buffer as ArrayBuffer]);
      else slot.worker.postMessage({ id, samples } satisfies PrepareJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private settle(slot: Slot, reply: PrepareReply): void {
    const waiter = slot.pending.get(reply.id);
    if (!waiter) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if (!reply.ok) {
      waiter.reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
      return;
    }
    const failed = new Map<number, Error>();
    for (const f of reply.failed) {
      failed.set(f.index, f.load ? new ImageLoadError(f.load.path, f.load.reason) : Object.assign(new Error(f.message), { stack: f.stack }));
    }
    waiter.resolve({ floats: reply.floats, failed });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      for (const waiter of slot.pending.values()) waiter.reject(err);
      slot.pending.clear();
      slot.worker.unref();
    }
  }
}

/*
 * A worker's first code. From TypeScript sources it installs a bare SWC hook for `.ts` rather than
 * @swc-node/register: that one loads the TypeScript compiler to read tsconfig, which costs each thread about a
 * second and 100 MB, and this code needs none of it (the @dfl/* imports resolve through node_modules links).
 * The options are those of jest.preset.js.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.swc) {
  const { readFileSync } = require('node:fs');
  const swc = require(workerData.swc);
  const options = {
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    swcrc: false,
  };
  require.extensions['.ts'] = (module, filename) => {
    module._compile(swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
  };
}
require(workerData.entry);
`;
