import { Presets, SingleBar } from 'cli-progress';

/** A progress report for a long scan or pre-processing step. */
export interface Progress {
  tick(count?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** No bar at all (e.g. `--quiet`). */
  readonly quiet?: boolean;
  /** Where the bar is drawn (default stderr, so stdout stays clean for data). Not a TTY: no bar. */
  readonly stream?: NodeJS.WriteStream;
}

const silent: Progress = { tick: () => undefined, stop: () => undefined };

/** A cli-progress bar on a terminal; a no-op when quiet, when the stream is not a TTY, or for tiny jobs. */
export function createProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || total < 50) return silent;
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: (count = 1) => bar.increment(count),
    stop: () => bar.stop(),
  };
}
