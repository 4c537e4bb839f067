import { Option, type Command } from 'commander';
import { action } from '../cli-error-sink';

interface PromoteCommandOptions {
  test?: string;
  out: string;
  labels?: string;
  faceBoxes?: string;
  track: string;
  paritySample: string;
  engine?: 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
  json?: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('promote')
    .description('score the test folder with a run (its TTA), write a validated submission and a model package, mark it promoted')
    .argument('<run>', 'run id (or a unique prefix of it)')
    .option('--test <dir>', "test image folder (default: the experiment's data.test.images)")
    .option('--out <dir>', 'where prediction.txt, submission.csv and package/ go', 'submission')
    .option('--labels <file>', 'held-out labels of the test folder (img_name,target): also print the test metrics')
    .option('--face-boxes <file>', "face-box CSV of the test images (img_name,x1,y1,x2,y2): each is scored as its face crop with the run's data.face_margin, as it trained; images without a row are scored whole")
    .option('--track <name>', 'promotion track within the dataset (one promoted run per dataset and track)', 'default')
    .option('--parity-sample <n>', 'test images re-scored through the test API path and compared with the CSV', '16')
    .addOption(new Option('--engine <engine>', 'TensorFlow.js engine (default: the one the run asked for)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--json', 'also print one JSON object as the last line of stdout')
    .option('--quiet', 'no progress bar')
    .action(
      action(async (run: string, opts: PromoteCommandOptions) => {
        const { UserError } = await import('@dfl/core');
        const paritySample = Number(opts.paritySample);
        if (!(Number.isInteger(paritySample) && paritySample >= 1)) throw new UserError(`--parity-sample must be a whole number >= 1, got '${opts.paritySample}'`);
        const { promoteRun, formatPromotion } = await import('../promote/promote-run');
        const result = await promoteRun(run, { test: opts.test, out: opts.out, labels: opts.labels, faceBoxes: opts.faceBoxes, track: opts.track, paritySample, engine: opts.engine, quiet: opts.quiet });
        process.stdout.write(formatPromotion(result));
        if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      }),
    );
}
