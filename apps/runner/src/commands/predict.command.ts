import { Option, type Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('predict')
    .description('score image files with a promoted package or a run: prints img_name,y_pred (y_pred = P(fake))')
    .argument('<package-or-run>', 'a model package folder (dfl promote), a run folder, or a run id / unique prefix')
    .argument('<images...>', 'image files (JPEG/PNG/WebP)')
    .addOption(new Option('--engine <engine>', 'TensorFlow.js engine (default: the one the run asked for)').choices(['auto', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--batch-size <n>', 'images per model batch (default: the run\'s)')
    .option('--face-boxes <file>', "face-box CSV (img_name,x1,y1,x2,y2; img_name = the file's name): score each image's face crop with the run's data.face_margin; images without a row are scored whole")
    .action(
      action(async (source: string, images: string[], opts: { engine?: 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu'; batchSize?: string; faceBoxes?: string }) => {
        const { UserError } = await import('@dfl/core');
        const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
        if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new UserError(`--batch-size must be a whole number >= 1, got '${opts.batchSize}'`);
        const { predictImages } = await import('../predict/predict-images');
        await predictImages(source, images, { engine: opts.engine, batchSize, faceBoxes: opts.faceBoxes });
      }),
    );
}
