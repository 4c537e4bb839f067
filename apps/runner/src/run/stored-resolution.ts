import * as path from 'node:path';
import type { Run } from '@dfl/db';
import { resolveExperimentText, type ExperimentResolution } from '@dfl/experiment';
import { catalog } from '../plugins';

/**
 * A run's stored canonical config, resolved again (same catalog, same validation) as if it were a file in the cwd:
 * what reproduce replays and resume continues. `overrides` are `--set` style (reproduce on another engine).
 */
export function storedResolution(run: Run, overrides: readonly string[] = []): ExperimentResolution {
  const file = path.resolve(`run-${run.id.slice(0, 8)}.json`);
  return resolveExperimentText(JSON.stringify(run.resolvedConfig), file, { catalog, overrides: [...overrides] });
}
