/** Which way a monitored metric improves. */
export type MetricMode = 'max' | 'min';

/**
 * Tracks the best value of the metric that picks the checkpoint, and stops after `patience` epochs without an
 * improvement larger than minDelta (patience 0 = never stop early). Pure state, no I/O.
 */
export class BestTracker {
  private bestValue: number | null = null;
  private bestEpoch = -1;
  private sinceBest = 0;

  constructor(
    readonly mode: MetricMode,
    private readonly patience = 0,
    private readonly minDelta = 0,
  ) {}

  /** Records an epoch's value; returns true when it is the new best (ties keep the earlier epoch). */
  update(epoch: number, value: number): boolean {
    const better =
      Number.isFinite(value) &&
      (this.bestValue === null || (this.mode === 'max' ? value > this.bestValue + this.minDelta : value < this.bestValue - this.minDelta));
    if (better) {
      this.bestValue = value;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
    } else {
      this.sinceBest += 1;
    }
    return better;
  }

  get best(): { epoch: number; value: number } | null {
    return this.bestValue === null ? null : { epoch: this.bestEpoch, value: this.bestValue };
  }

  get shouldStop(): boolean {
    return this.patience > 0 && this.sinceBest >= this.patience;
  }
}
