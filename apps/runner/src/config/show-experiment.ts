import { toResolvedYaml } from '@dfl/experiment';
import { resolveExperimentFile } from './resolve-experiment-file';

/** `dfl show`: the resolved config as YAML (defaults filled, hash in a comment), or its canonical JSON. */
export function showExperiment(file: string, overrides: readonly string[], asJson: boolean): void {
  const resolution = resolveExperimentFile(file, overrides);
  process.stdout.write(asJson ? `${resolution.canonicalJson}\n` : toResolvedYaml(resolution));
}
