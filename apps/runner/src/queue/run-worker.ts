import { UserError } from '@dfl/core';
import { artefactStoreFrom } from './artefact-store';
import { executeRun } from './execute-run';
import { QueueWorker } from './queue-worker';

export interface RunWorkerOptions {
  readonly concurrency: number;
  readonly runsDir?: string;
  readonly poll: number;
  readonly liveness: number;
  readonly jsonl?: boolean;
}

/** `dfl worker`: runs until SIGINT/SIGTERM; the signal interrupts the running attempts, which the queue retries. */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) throw new UserError(`--concurrency must be an integer >= 1 (got ${options.concurrency})`);
  if (!(options.poll >= 0.5)) throw new UserError(`--poll must be at least 0.5 seconds (got ${options.poll})`);
  if (!(options.liveness > 0)) throw new UserError(`--liveness must be > 0 seconds (got ${options.liveness})`);
  const store = artefactStoreFrom({ runsDir: options.runsDir });
  const worker = new QueueWorker({
    concurrency: options.concurrency,
    store,
    execute: executeRun(store, { jsonl: options.jsonl }),
    pollingIntervalSeconds: options.poll,
    livenessIntervalSeconds: options.liveness,
  });
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`worker ${worker.workerId}: ${signal}, stopping (running attempts are interrupted and go back to the queue)\n`);
    void worker.stop().then(stopped, stopped);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await worker.start();
  // Print the id on stdout: scripts (and the e2e test) tell workers apart by it.
  process.stdout.write(`${worker.workerId}\n`);
  await done;
}
