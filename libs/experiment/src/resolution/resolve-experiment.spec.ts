import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { testCatalog } from '../testing/test-catalog';
import { tempFiles, yaml } from '../testing/temp-files';
import { resolveExperiment, resolveExperimentText } from './resolve-experiment';

const catalog = testCatalog();

const MINIMAL = yaml('data:', '  root: data', 'model:', '  backbone: resnet18');

describe('resolveExperiment', () => {
  it('fills defaults and derived fields, makes paths absolute and freezes the result', () => {
    const dir = tempFiles({ 'exp/minimal.yaml': MINIMAL });
    const { config } = resolveExperiment(path.join(dir, 'exp/minimal.yaml'), { catalog, cwd: dir });
    expect(config.name).toBe('minimal');
    expect(config.engine).toBe('auto');
    // relative to the YAML file's folder, then the challenge layout's file names
    expect(config.data.root).toBe(path.join(dir, 'exp/data'));
    expect(config.data.train.labels).toBe(path.join(dir, 'exp/data/train_label.txt'));
    expect(config.data.val.images).toBe(path.join(dir, 'exp/data/valset'));
    expect(config.data.test.images).toBe(path.join(dir, 'exp/data/testset'));
    // the backbone's input config
    expect(config.data.image_size).toBe(224);
    expect(config.data.mean).toEqual([0.485, 0.456, 0.406]);
    expect(config.data.interpolation).toBe('bilinear');
    expect(config.model.options).toEqual({ zero_init_residual: false });
    expect(config.tta.views).toEqual([{ name: 'identity' }]);
    expect(config.train.optimizer).toEqual({ name: 'adam', lr: 0.001, weight_decay: 0 });
    expect(config.train.schedule).toEqual({ name: 'constant' });
    expect(config.train.early_stopping).toEqual({ patience: 0, metric: 'auc', mode: 'max', min_delta: 0 });
    expect(config.eval.max_fpr).toBe(0.001);
    expect(Object.isFrozen(config.train.optimizer)).toBe(true);
    expect(Object.isFrozen(config.data.mean)).toBe(true);
  });

  it('gives a canonical JSON with sorted keys and its SHA-256, the same however the file orders its keys', () => {
    const dir = tempFiles({
      'a.yaml': MINIMAL,
      'b.yaml': yaml('model: {backbone: resnet18}', 'train: {epochs: 10}', 'data: {root: data}'),
    });
    const a = resolveExperiment(path.join(dir, 'a.yaml'), { catalog, cwd: dir });
    const b = resolveExperiment(path.join(dir, 'b.yaml'), { catalog, cwd: dir });
    expect(a.hash).toBe(createHash('sha256').update(a.canonicalJson).digest('hex'));
    expect(a.canonicalJson.indexOf('"augment"')).toBeLessThan(a.canonicalJson.indexOf('"data"'));
    // same content, different file name => only `name` differs
    expect(JSON.parse(b.canonicalJson)).toEqual({ ...JSON.parse(a.canonicalJson), name: 'b' });
  });

  it('resolves its own canonical JSON to the same config and hash (what reproduce replays)', () => {
    const dir = tempFiles({ 'exp.yaml': MINIMAL });
    const first = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir, overrides: ['train.epochs=3'] });
    const again = resolveExperimentText(first.canonicalJson, path.join(dir, 'elsewhere/stored.json'), { catalog, cwd: dir });
    expect(again.hash).toBe(first.hash);
  });

  it('applies extends: maps merge, lists are replaced, paths stay relative to the file that wrote them', () => {
    const dir = tempFiles({
      'base/base.yaml': yaml(
        'data: {root: ../datasets/x, image_size: 96}',
        'model: {backbone: resnet18, pretrained: weights/r18.safetensors}',
        'augment: [{name: hflip, p: 0.5}, {name: vflip}]',
        'train: {epochs: 7, optimizer: {name: sgd, lr: 0.1}}',
      ),
      'child/child.yaml': yaml('extends: ../base/base.yaml', 'augment: [{name: jpeg}]', 'train: {optimizer: {lr: 0.05}}'),
    });
    const { config, origin } = resolveExperiment(path.join(dir, 'child/child.yaml'), { catalog, cwd: dir });
    expect(config.name).toBe('child');
    expect(config.data.root).toBe(path.join(dir, 'datasets/x'));
    expect(config.data.image_size).toBe(96);
    expect(config.model.pretrained).toBe(path.join(dir, 'base/weights/r18.safetensors'));
    expect(config.augment).toEqual([{ name: 'jpeg', p: 1, quality_min: 30, quality_max: 95 }]);
    expect(config.train.epochs).toBe(7);
    expect(config.train.optimizer).toEqual({ name: 'sgd', lr: 0.05, momentum: 0, nesterov: false });
    expect(origin.extends).toEqual([path.join(dir, 'base/base.yaml')]);
  });

  it('through extends or --set, switching to another plug-in drops the old plug-in options but keeps the rest', () => {
    const dir = tempFiles({
      'base.yaml': yaml(
        'data: {root: d}',
        'model: {backbone: resnet18, options: {zero_init_residual: true}, pretrained: w.safetensors}',
        'train: {optimizer: {name: sgd, lr: 0.1, momentum: 0.5}, schedule: {name: step, step_size: 4, gamma: 0.85}}',
      ),
      'child.yaml': yaml('extends: base.yaml', 'model: {backbone: tiny_cnn}', 'train: {optimizer: {name: adam}, schedule: {name: constant}}'),
      'same.yaml': yaml('extends: base.yaml', 'train: {schedule: {name: step, gamma: 0.5}}'),
    });
    const { config } = resolveExperiment(path.join(dir, 'child.yaml'), { catalog, cwd: dir });
    expect(config.model).toEqual({ backbone: 'tiny_cnn', options: { width: 8 }, pretrained: path.join(dir, 'w.safetensors'), num_classes: 2 });
    expect(config.train.optimizer).toEqual({ name: 'adam', lr: 0.1, weight_decay: 0 });
    expect(config.train.schedule).toEqual({ name: 'constant' });
    const switched = resolveExperiment(path.join(dir, 'base.yaml'), { catalog, cwd: dir, overrides: ['train.schedule.name=constant'] }).config;
    expect(switched.train.schedule).toEqual({ name: 'constant' });
    const same = resolveExperiment(path.join(dir, 'same.yaml'), { catalog, cwd: dir }).config;
    expect(same.train.schedule).toEqual({ name: 'step', step_size: 4, gamma: 0.5 });
  });

  it('applies --set overrides as YAML values, creating maps and addressing list items, and records them', () => {
    const dir = tempFiles({ 'exp.yaml': yaml(MINIMAL, 'augment: [{name: hflip}, {name: vflip}]') });
    const overrides = ['train.epochs=3', 'augment.1.p=0.25', 'train.grad_clip=1e0', 'tags=[quick, smoke]', 'data.root=/abs/data', 'notes=a=b'];
    const { config, origin } = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir, overrides });
    expect(config.train.epochs).toBe(3);
    expect(config.augment[1]).toEqual({ name: 'vflip', p: 0.25 });
    expect(config.train.grad_clip).toBe(1);
    expect(config.tags).toEqual(['quick', 'smoke']);
    expect(config.data.root).toBe('/abs/data');
    expect(config.notes).toBe('a=b');
    expect(origin.overrides).toEqual(overrides);
  });

  it('resolves a relative --set path against the working directory', () => {
    const dir = tempFiles({ 'exp/exp.yaml': MINIMAL });
    const { config } = resolveExperiment('exp/exp.yaml', { catalog, cwd: dir, overrides: ['data.root=mine'] });
    expect(config.data.root).toBe(path.join(dir, 'mine'));
  });

  it('fills a plug-in option default only after the plug-in name itself was defaulted', () => {
    const dir = tempFiles({ 'exp.yaml': yaml(MINIMAL, 'train:', '  optimizer: {}', '  schedule: {name: step, step_size: 2}') });
    const { config } = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir });
    expect(config.train.optimizer).toEqual({ name: 'adam', lr: 0.001, weight_decay: 0 });
    expect(config.train.schedule).toEqual({ name: 'step', step_size: 2, gamma: 0.1 });
  });

  it('derives the early-stopping mode from its metric and layout real_fake has no label files', () => {
    const dir = tempFiles({
      'exp.yaml': yaml(
        'data: {root: d, layout: real_fake, train: {images: train}}',
        'model: {backbone: tiny_cnn}',
        'train: {early_stopping: {metric: loss, patience: 3}}',
      ),
    });
    const { config } = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir });
    expect(config.train.early_stopping.mode).toBe('min');
    expect(config.data.train).toEqual({ labels: null, images: path.join(dir, 'd/train'), only_real: false, face_boxes: null, landmarks: null });
    expect(config.data.image_size).toBe(64);
  });

  it('resolves a face-box file relative to data.root', () => {
    const dir = tempFiles({ 'exp.yaml': yaml('data: {root: d, train: {face_boxes: boxes/train.csv}, face_margin: 0.3}', 'model: {backbone: tiny_cnn}') });
    const { config } = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir });
    expect(config.data.train.face_boxes).toBe(path.join(dir, 'd/boxes/train.csv'));
    expect(config.data.val.face_boxes).toBeNull();
    expect(config.data.face_margin).toBe(0.3);
  });

  it('resolves a landmark file relative to data.root; val has none (only training makes pseudo-fakes)', () => {
    const dir = tempFiles({ 'exp.yaml': yaml('data: {root: d, train: {landmarks: lm/train.csv}}', 'model: {backbone: tiny_cnn}') });
    const { config } = resolveExperiment(path.join(dir, 'exp.yaml'), { catalog, cwd: dir });
    expect(config.data.train.landmarks).toBe(path.join(dir, 'd/lm/train.csv'));
    const bad = tempFiles({ 'exp.yaml': yaml('data: {root: d, val: {landmarks: lm/val.csv}}', 'model: {backbone: tiny_cnn}') });
    expect(() => resolveExperiment(path.join(bad, 'exp.yaml'), { catalog, cwd: bad })).toThrow(/landmarks/);
  });
});
