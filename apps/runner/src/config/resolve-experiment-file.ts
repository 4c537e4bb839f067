import { resolveExperiment, type ExperimentResolution } from '@dfl/experiment';
import { catalog } from '../plugins';

/** Resolves an experiment file against the real plug-in catalog, for every command that reads one (validate, show, run ...). */
export function resolveExperimentFile(file: string, overrides: readonly string[] = []): ExperimentResolution {
  return resolveExperiment(file, { catalog, overrides });
}
