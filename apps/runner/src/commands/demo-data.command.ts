import type { Command } from 'commander';
import { action } from '../cli-error-sink';

interface DemoDataOptions {
  n: string;
  size: string;
  seed: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('demo-data')
    .description('write a small synthetic deepfake dataset in the challenge layout (train/val/test + label files)')
    .argument('<dir>', 'output folder (must not exist or be empty)')
    .option('--n <count>', 'training images; validation and test get a quarter each', '600')
    .option('--size <pixels>', 'image side in pixels', '64')
    .option('--seed <int>', 'seed: the same seed writes the same bytes', '1')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText(
      'after',
      '\nWrites trainset/, valset/, testset/, train_label.txt, val_label.txt (img_name,target; 1 = fake) and\n' +
        'test_label.txt, the held-out labels of testset/ (the challenge ships testset/ unlabelled; the file is\n' +
        'there so end-to-end tests can score test predictions). Fakes are face swaps with blending boundaries,\n' +
        'colour mismatch and resampling traces. Nothing is downloaded.',
    )
    .action(
      action(async (dir: string, opts: DemoDataOptions) => {
        const { UserError } = await import('@dfl/core');
        const int = (flag: string, v: string) => {
          if (!/^\d+$/.test(v)) throw new UserError(`--${flag} must be a non-negative integer, got '${v}'`);
          return Number(v);
        };
        const { generateDemoDataset } = await import('@dfl/data');
        const started = Date.now();
        const summary = await generateDemoDataset({ dir, n: int('n', opts.n), size: int('size', opts.size), seed: int('seed', opts.seed), quiet: opts.quiet });
        const lines = summary.splits.map((s) => `  ${s.folder}/ ${s.count} images (${s.fakes} fake), labels in ${s.labels}`);
        process.stdout.write(`demo dataset written to ${summary.dir} in ${((Date.now() - started) / 1000).toFixed(1)}s\n${lines.join('\n')}\n`);
      }),
    );
}
