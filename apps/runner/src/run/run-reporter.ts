import { appendFileSync, readFileSync } from 'node:fs';
import * as cliProgress from 'cli-progress';
import { writeFileAtomicSync } from '@dfl/core';

/** Events a run emits; the same stream feeds the progress bars, the JSON-lines log and the database. */
export type RunEvent =
  | { type: 'start'; runId: string; name: string; engine: string; backend: string; epochs: number; trainImages: number; valImages: number; resumedAfterEpoch?: number }
  | { type: 'step'; epoch: number; step: number; steps: number; loss: number; lr: number; imgPerSec: number }
  | { type: 'epoch'; epoch: number; epochs: number; lr: number; trainLoss: number; valLoss: number; valAuc: number; valTpr: number; valEer: number; valAp: number; imgPerSec: number; dataSeconds: number; stepSeconds: number; seconds: number; best: boolean }
  | RetryEvent
  | { type: 'early_stop'; epoch: number; metric: string; best: number }
  | { type: 'finish'; runId: string; status: string; auc: number | null; tpr: number | null; seconds: number }
  | { type: 'warning'; message: string }
  | { type: 'error'; message: string };

/**
 * A queue retry says what it does with the attempt before it: goes on from its last checkpoint (`resumedAfterEpoch`,
 * the checkpoint's 0-based epoch) or starts over (null), and why.
 */
export interface RetryEvent {
  type: 'retry';
  /** The queued run the job stands for. */
  retryOf: string;
  /** The stopped attempt this one follows. */
  previousAttempt: string;
  resumedAfterEpoch: number | null;
  reason: string;
}

/** One line for people: what a retry did with the attempt before it, and why. */
export function describeRetry(event: Omit<RetryEvent, 'type'>): string {
  const what = event.resumedAfterEpoch === null ? 'starting over' : `going on from the checkpoint of epoch ${event.resumedAfterEpoch + 1}`;
  return `retry of run ${event.retryOf}: ${what}; ${event.reason}`;
}

export interface ReporterOptions {
  /** No bars, no summary lines on stderr. */
  readonly quiet: boolean;
  /** Also append every event as one JSON line here ('-' = stdout). */
  readonly jsonl: string | null;
}

/**
 * Progress for people (cli-progress bars on a TTY, plain lines otherwise) and a JSON-lines log for scripts.
 * Bars go to stderr so stdout stays clean for `--jsonl -`.
 */
export class RunReporter {
  private readonly bars: cliProgress.MultiBar | null;
  private epochBar: cliProgress.SingleBar | null = null;
  private batchBar: cliProgress.SingleBar | null = null;
  private readonly tty = Boolean(process.stderr.isTTY);
  private runLog: { file: string; lines: string[] } | null = null;

  constructor(private readonly o: ReporterOptions) {
    this.bars =
      !o.quiet && this.tty
        ? new cliProgress.MultiBar(
            { clearOnComplete: false, hideCursor: true, format: '{label} |{bar}| {value}/{total} {info} ETA {eta_formatted}', etaBuffer: 20 },
            cliProgress.Presets.shades_grey,
          )
        : null;
  }

  /**
   * Also keeps the run's own event log in its folder: every event but the per-step ones, rewritten whole on each
   * (atomically, like every artefact), so it is small and never torn. `append`: a resumed run keeps the log of its
   * earlier attempts.
   */
  logTo(file: string, options: { append?: boolean } = {}): void {
    const previous = options.append ? readFileSync(file, { encoding: 'utf8', flag: 'a+' }) : '';
    this.runLog = { file, lines: previous ? [previous.endsWith('\n') ? previous : `${previous}\n`] : [] };
  }

  /** Logs an event (JSON lines, run log) without printing it: for what the end-of-run summary shows anyway. */
  record(event: RunEvent): void {
    this.emit(event, false);
  }

  emit(event: RunEvent, print = true): void {
    const line = JSON.stringify({ t: new Date().toISOString(), ...event }) + '\n';
    if (this.o.jsonl) {
      if (this.o.jsonl === '-') process.stdout.write(line);
      else appendFileSync(this.o.jsonl, line);
    }
    if (this.runLog && event.type !== 'step') {
      this.runLog.lines.push(line);
      writeFileAtomicSync(this.runLog.file, this.runLog.lines.join(''));
    }
    if (this.o.quiet || !print) return;
    switch (event.type) {
      case 'start':
        this.line(`run ${event.runId} '${event.name}' on ${event.engine}/${event.backend}: ${event.trainImages} train, ${event.valImages} val images, ${event.epochs} epochs`);
        if (event.resumedAfterEpoch !== undefined) this.line(`resuming from the checkpoint of epoch ${event.resumedAfterEpoch + 1}/${event.epochs}`);
        if (this.bars) this.epochBar = this.bars.create(event.epochs, (event.resumedAfterEpoch ?? -1) + 1, { label: 'epochs ', info: '' });
        break;
      case 'step':
        if (this.bars) {
          if (!this.batchBar) this.batchBar = this.bars.create(event.steps, 0, { label: 'batches', info: '' });
          this.batchBar.setTotal(event.steps);
          this.batchBar.update(event.step, { info: `loss ${event.loss.toFixed(4)} lr ${event.lr.toExponential(2)} ${event.imgPerSec.toFixed(1)} img/s` });
        }
        break;
      case 'epoch': {
        const msg = `epoch ${event.epoch + 1}/${event.epochs}: loss ${event.trainLoss.toFixed(4)} val_loss ${event.valLoss.toFixed(4)} AUC ${event.valAuc.toFixed(4)} TPR@1e-3 ${event.valTpr.toFixed(4)} EER ${event.valEer.toFixed(4)} ${event.imgPerSec.toFixed(1)} img/s (data ${event.dataSeconds.toFixed(1)}s, step ${event.stepSeconds.toFixed(1)}s)${event.best ? ' *best' : ''}`;
        if (this.bars) {
          this.batchBar?.update(0, { info: '' });
          this.epochBar?.update(event.epoch + 1, { info: `AUC ${event.valAuc.toFixed(4)}` });
          this.bars.log(msg + '\n');
        } else {
          this.line(msg);
        }
        break;
      }
      case 'retry':
        this.line(describeRetry(event));
        break;
      case 'early_stop':
        this.line(`early stop after epoch ${event.epoch + 1}: ${event.metric} has not improved on ${event.best.toFixed(4)}`);
        break;
      case 'warning':
        this.line(`warning: ${event.message}`);
        break;
      case 'error':
        this.line(`error: ${event.message}`);
        break;
      case 'finish':
        break;
    }
  }

  /** Stops the bars (before the summary is printed). */
  close(): void {
    this.bars?.stop();
  }

  private line(msg: string): void {
    if (this.bars) this.bars.log(msg + '\n');
    else process.stderr.write(msg + '\n');
  }
}
