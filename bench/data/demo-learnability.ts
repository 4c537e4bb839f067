/*
 * Is the demo data learnable, and does SBI alone teach its fakes? (not a test: prints figures)
 *   node -r @swc-node/register bench/data/demo-learnability.ts [--n 600] [--size 64] [--epochs 3]
 * 1. `dfl demo-data` defaults -> a small PyTorch CNN (bench/data/small_cnn_auc.py) -> val AUC per epoch;
 * 2. the same CNN trained on the real training images plus one SBI pseudo-fake each (no demo fake seen),
 *    scored on the same validation split.
 * PyTorch is the reference learner here because it is installed and independent of our training code.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SeededRandom, deriveSeed } from '@dfl/core';
import { decodeImage, encodeImage, generateDemoDataset, openSplit, selfBlend } from '@dfl/data';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(arg('n', '600'));
const SIZE = Number(arg('size', '64'));
const EPOCHS = Number(arg('epochs', '3'));

function cnn(root: string): void {
  const out = execFileSync('/usr/bin/python3', [path.join(__dirname, 'small_cnn_auc.py'), root, String(EPOCHS), String(SIZE)], { encoding: 'utf8' });
  process.stdout.write(out);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dfl-learnability-'));
  try {
    const demo = path.join(dir, 'demo');
    const t = Date.now();
    await generateDemoDataset({ dir: demo, n: N, size: SIZE, seed: 1, quiet: true });
    process.stdout.write(`demo data: ${N} train images at ${SIZE} px in ${((Date.now() - t) / 1000).toFixed(1)}s\n`);
    process.stdout.write(`small CNN on the demo data (${EPOCHS} epochs, batch 32, Adam 1e-3, 2 threads):\n`);
    cnn(demo);

    const sbi = path.join(dir, 'sbi');
    mkdirSync(path.join(sbi, 'trainset'), { recursive: true });
    const reals = await openSplit({ root: demo, layout: 'challenge', images: 'trainset', labels: 'train_label.txt', onlyReal: true });
    const rows = ['img_name,target'];
    for (const item of reals.items) {
      const image = await decodeImage(item.path);
      writeFileSync(path.join(sbi, 'trainset', item.name), await encodeImage(image, 'jpeg', 90));
      const fake = await selfBlend(image, new SeededRandom(deriveSeed(1, item.name)));
      writeFileSync(path.join(sbi, 'trainset', `sbi_${item.name}`), await encodeImage(fake.image, 'jpeg', 90));
      rows.push(`${item.name},0`, `sbi_${item.name},1`);
    }
    writeFileSync(path.join(sbi, 'train_label.txt'), `${rows.join('\n')}\n`);
    symlinkSync(path.join(demo, 'valset'), path.join(sbi, 'valset'));
    symlinkSync(path.join(demo, 'val_label.txt'), path.join(sbi, 'val_label.txt'));
    process.stdout.write(`same CNN trained on the ${reals.items.length} real images + one SBI pseudo-fake each (no demo fake seen):\n`);
    cnn(sbi);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
