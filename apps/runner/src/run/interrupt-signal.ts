/** Raised inside the training loop once SIGINT/SIGTERM arrived, so the run unwinds and is recorded `interrupted`. */
export class RunInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'RunInterrupted';
  }
}

/**
 * Turns SIGINT/SIGTERM into a flag the loop checks between steps (a training step cannot be cut mid-way without
 * leaving tensors and files half-done). A second signal exits at once: the next `dfl` command then finds the run's
 * process gone and marks it interrupted.
 */
export class InterruptSignal {
  private received: NodeJS.Signals | null = null;
  private readonly handler = (signal: NodeJS.Signals) => {
    if (this.received) process.exit(130);
    this.received = signal;
    process.stderr.write(`\n${signal}: stopping after the current step (send again to exit at once)\n`);
  };

  install(): this {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    return this;
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  /** Throws RunInterrupted when a signal has arrived. */
  check(): void {
    if (this.received) throw new RunInterrupted(this.received);
  }

  get signal(): NodeJS.Signals | null {
    return this.received;
  }
}
