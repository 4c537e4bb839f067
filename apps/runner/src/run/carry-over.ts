import { promises as fs } from 'node:fs';
import { writeDirAtomic, writeFileAtomic } from '@dfl/core';
import type { RunDir } from './run-dir';

/**
 * What a run that goes on from another run's checkpoint (a queue retry, recorded as a new run) takes into its own
 * folder: both checkpoints (the best one is what it scores at the end unless a later epoch beats it; the last one
 * lets it be resumed in turn before its first new epoch ends) and the event log, so its log tells the whole story.
 * The epoch lines are written by the resume itself (only those up to the checkpoint). Each copy is atomic.
 */
export async function carryOver(from: RunDir, to: RunDir): Promise<void> {
  for (const [source, target] of [
    [from.bestCheckpoint, to.bestCheckpoint],
    [from.lastCheckpoint, to.lastCheckpoint],
  ]) {
    await writeDirAtomic(target, (tmp) => fs.cp(source, tmp, { recursive: true }));
  }
  const log = await fs.readFile(from.log).catch(() => null);
  if (log) await writeFileAtomic(to.log, log);
}
