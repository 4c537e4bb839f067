import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fillPackage, isPackage, openPackage } from './model-package';
import type { ScoringSetup } from './scoring-setup';

const SETUP: ScoringSetup = {
  input: { size: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], interpolation: 'bilinear' },
  tta: { views: [{ name: 'identity' }], combine: 'mean_prob' },
  model: { backbone: 'tiny_cnn', numClasses: 2, options: {}, seed: 1 },
  batchSize: 8,
  engine: 'auto',
  face: { margin: 0.25, trainedOnCrops: true },
};

let work: string;
let pkg: string;
beforeEach(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'dfl-pkg-'));
  const model = path.join(work, 'ckpt', 'model');
  mkdirSync(model, { recursive: true });
  writeFileSync(path.join(model, 'model.json'), '{"format":"dfl-backbone"}');
  writeFileSync(path.join(model, 'weights.bin'), Buffer.from([1, 2, 3, 4]));
  pkg = path.join(work, 'package');
  mkdirSync(pkg);
  await fillPackage(pkg, { runId: 'r1', configHash: 'h', modelDir: model, resolvedConfig: { name: 'x' }, scoring: SETUP, metrics: { auc: 0.9 } });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('model package', () => {
  it('lists every file with its sha256 and opens with the scoring setup it was given', async () => {
    expect(await isPackage(pkg)).toBe(true);
    const opened = await openPackage(pkg);
    expect(Object.keys(opened.manifest.files)).toEqual(['config.resolved.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'scoring.json']);
    expect(opened.manifest.files['model/weights.bin']).toEqual({ bytes: 4, sha256: '9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a' });
    expect(opened.scoring).toEqual(SETUP);
    expect(opened.metrics).toEqual({ auc: 0.9 });
  });

  it('refuses a package whose files were changed, removed or added', async () => {
    writeFileSync(path.join(pkg, 'model', 'weights.bin'), Buffer.from([1, 2, 3, 5]));
    rmSync(path.join(pkg, 'metrics.json'));
    writeFileSync(path.join(pkg, 'extra.txt'), 'x');
    const err = await openPackage(pkg).catch((e: Error) => e);
    const message = String((err as Error).message);
    expect(message).toContain('model/weights.bin: changed');
    expect(message).toContain('metrics.json: missing');
    expect(message).toContain('extra.txt: not in the manifest');
  });

  it('reads the face-crop setup of a package written before it was recorded from the package\'s resolved config', async () => {
    const old = path.join(work, 'old');
    mkdirSync(old);
    const { face: _face, ...withoutFace } = SETUP;
    const resolvedConfig = { name: 'x', data: { face_margin: 0.5, train: { face_boxes: '/data/train_boxes.csv' } } };
    await fillPackage(old, { runId: 'r0', configHash: 'h', modelDir: path.join(work, 'ckpt', 'model'), resolvedConfig, scoring: withoutFace as typeof SETUP, metrics: {} });
    expect((await openPackage(old)).scoring.face).toEqual({ margin: 0.5, trainedOnCrops: true });
  });

  it('tells a folder without a manifest from a package', async () => {
    expect(await isPackage(work)).toBe(false);
  });
});
