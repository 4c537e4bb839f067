import { UserError } from '@dfl/core';
import { ExperimentConfigError } from '@dfl/experiment';
import { resolveExperimentFile } from './resolve-experiment-file';

/**
 * `dfl validate`: resolves each file, printing one summary line per valid file (stdout) and every issue of the
 * invalid ones (stderr). Throws a UserError (exit 1) naming how many failed, after all files were checked.
 */
export function validateExperimentFiles(files: readonly string[], overrides: readonly string[]): void {
  let failed = 0;
  for (const file of files) {
    try {
      const { config, hash } = resolveExperimentFile(file, overrides);
      const summary = `${config.model.backbone} ${config.data.image_size}px, ${config.train.epochs} epochs, ${config.train.optimizer.name} lr ${config.train.optimizer.lr}`;
      process.stdout.write(`ok ${file}: ${config.name} (${summary}) sha256 ${hash.slice(0, 12)}\n`);
    } catch (err) {
      if (!(err instanceof ExperimentConfigError)) throw err;
      failed += 1;
      const n = err.issues.length;
      process.stderr.write(`${err.message}\n${file}: ${n} error${n === 1 ? '' : 's'}\n`);
    }
  }
  if (failed) throw new UserError(`${failed} of ${files.length} experiment file${files.length === 1 ? '' : 's'} invalid`);
}
