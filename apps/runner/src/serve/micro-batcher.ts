export interface MicroBatcherOptions {
  /** Most items in one call of the batch function. */
  readonly maxBatch: number;
  /** How long the first item of a batch waits for company (ms); 0 batches only what is already queued. */
  readonly windowMs: number;
}

interface Pending<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

/**
 * Groups concurrent `submit` calls into one call of `run` (a model batch costs little more than one image): a batch
 * starts `windowMs` after its first item, or at once when `maxBatch` items wait; one batch runs at a time, and what
 * queues meanwhile forms the next. A failing batch fails each of its items, never the batcher.
 */
export class MicroBatcher<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private batches = 0;
  private items = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {
    if (!(options.maxBatch >= 1)) throw new RangeError(`maxBatch must be >= 1, got ${options.maxBatch}`);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (a server drains before it frees the model). */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Batches run and items scored so far. */
  stats(): { batches: number; items: number; queued: number } {
    return { batches: this.batches, items: this.items, queued: this.queue.length };
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxBatch || this.options.windowMs <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = true;
    this.batches++;
    this.items += batch.length;
    void this.run(batch.map((p) => p.item))
      .then(
        (outputs) => {
          if (outputs.length !== batch.length) throw new Error(`batch function returned ${outputs.length} results for ${batch.length} items`);
          batch.forEach((p, i) => p.resolve(outputs[i]));
        },
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .catch((err: unknown) => batch.forEach((p) => p.reject(err)))
      .finally(() => {
        this.running = false;
        // whatever queued while the model was busy has waited long enough: run it now
        if (this.queue.length > 0) this.flush();
        else if (this.timer === null) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }
}
