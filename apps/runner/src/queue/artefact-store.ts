import * as path from 'node:path';
import { UserError } from '@dfl/core';

/**
 * Where a worker's run folders end up. `runExperiment` writes `runs/<id>/` to a local folder (every file atomically);
 * the store then makes the finished folder durable and says where it lives.
 *
 * The S3-compatible store is the next step and needs nothing else from the worker: `workRoot` is a local scratch
 * folder, `publish` uploads `localDir` to `s3://<bucket>/<prefix>/<runId>/` (each file with a content SHA-256, the
 * checkpoints last, so a folder with `checkpoints/best` is complete), deletes the scratch copy and returns the URI,
 * which the worker records as the run's folder; `fetch` would bring a run back for `promote`/`evaluate`.
 * Configuration would come from `DFL_ARTEFACTS=s3://bucket/prefix` plus the usual AWS_* variables.
 */
export interface ArtefactStore {
  /** Shown in the worker's start-up line. */
  readonly description: string;
  /** The local folder runs are written under while they train. */
  readonly workRoot: string;
  /** Makes a run's folder durable; returns where it lives now (a path or a URI). */
  publish(runId: string, localDir: string): Promise<string>;
}

/** The default store: runs stay where they were written (`--runs-dir`, `DFL_RUNS_DIR`, else `./runs`). */
export class LocalArtefactStore implements ArtefactStore {
  readonly workRoot: string;

  constructor(root: string) {
    this.workRoot = path.resolve(root);
  }

  get description(): string {
    return `local folder ${this.workRoot}`;
  }

  async publish(_runId: string, localDir: string): Promise<string> {
    return localDir;
  }
}

/** The store the options and environment ask for. */
export function artefactStoreFrom(options: { runsDir?: string }): ArtefactStore {
  const root = options.runsDir ?? process.env.DFL_RUNS_DIR ?? 'runs';
  if (/^s3:\/\//i.test(root)) throw new UserError(`${root}: S3 artefact stores are not implemented yet; use a local folder (see ArtefactStore)`);
  return new LocalArtefactStore(root);
}
