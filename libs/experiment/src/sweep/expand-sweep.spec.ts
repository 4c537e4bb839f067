import * as path from 'node:path';
import { ExperimentConfigError } from '../errors/config-error';
import { resolveExperiment } from '../resolution/resolve-experiment';
import { testCatalog } from '../testing/test-catalog';
import { tempFiles, yaml } from '../testing/temp-files';
import { expandSweep } from './expand-sweep';

const catalog = testCatalog();
const BASE = ['data:', '  root: data', 'model:', '  backbone: resnet18', 'train:', '  optimizer: {name: adam, lr: 0.001, weight_decay: 0.01}'];

const errorOf = (fn: () => unknown): ExperimentConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExperimentConfigError) return err;
    throw err;
  }
  throw new Error('expected an ExperimentConfigError');
};

describe('expandSweep', () => {
  it('expands a grid over a plug-in name, a number and a list of augmentations, first parameter slowest', () => {
    const dir = tempFiles({
      'sweep.yaml': yaml(
        ...BASE,
        'sweep:',
        '  parameters:',
        '    model.backbone: [resnet18, tiny_cnn]',
        '    train.optimizer.lr: [0.001, 0.0003]',
        '    augment:',
        '      - []',
        '      - [{name: hflip, p: 0.5}]',
      ),
    });
    const sweep = expandSweep(path.join(dir, 'sweep.yaml'), { catalog, cwd: dir });
    expect(sweep.method).toBe('grid');
    expect(sweep.points).toHaveLength(8);
    expect(sweep.points.map((p) => [p.resolution.config.model.backbone, p.resolution.config.train.optimizer.lr, p.resolution.config.augment.length])).toEqual([
      ['resnet18', 0.001, 0], ['resnet18', 0.001, 1], ['resnet18', 0.0003, 0], ['resnet18', 0.0003, 1],
      ['tiny_cnn', 0.001, 0], ['tiny_cnn', 0.001, 1], ['tiny_cnn', 0.0003, 0], ['tiny_cnn', 0.0003, 1],
    ]);
    const last = sweep.points[7];
    // each run is a complete config of its own: the backbone's derived input size, the base's other fields, no sweep
    expect(last.resolution.config.data.image_size).toBe(64);
    expect(last.resolution.config.train.optimizer).toEqual({ name: 'adam', lr: 0.0003, weight_decay: 0.01 });
    expect(last.resolution.config.augment).toEqual([{ name: 'hflip', p: 0.5 }]);
    expect('sweep' in last.resolution.config).toBe(false);
    expect(last.label).toBe('backbone=tiny_cnn,lr=0.0003,augment=#2');
    expect(last.resolution.config.name).toBe('sweep[backbone=tiny_cnn,lr=0.0003,augment=#2]');
    expect(new Set(sweep.points.map((p) => p.resolution.hash)).size).toBe(8);
  });

  it('draws a seeded random search: the same seed gives the same runs, ranges respected', () => {
    const dir = tempFiles({
      'r.yaml': yaml(...BASE, 'sweep:', '  method: random', '  samples: 5', '  seed: 7', '  parameters:', '    train.optimizer.lr: {min: 0.0001, max: 0.01, log: true}', '    train.batch_size: {min: 8, max: 64, integer: true}', '    model.backbone: [resnet18, tiny_cnn]'),
    });
    const a = expandSweep(path.join(dir, 'r.yaml'), { catalog, cwd: dir });
    const b = expandSweep(path.join(dir, 'r.yaml'), { catalog, cwd: dir });
    expect(a.points).toHaveLength(5);
    expect(a.points.map((p) => p.params)).toEqual(b.points.map((p) => p.params));
    for (const p of a.points) {
      expect(p.resolution.config.train.optimizer.lr).toBeGreaterThanOrEqual(0.0001);
      expect(p.resolution.config.train.optimizer.lr).toBeLessThanOrEqual(0.01);
      expect(Number.isInteger(p.resolution.config.train.batch_size)).toBe(true);
    }
    expect(new Set(a.points.map((p) => p.resolution.config.train.optimizer.lr)).size).toBe(5);
  });

  it('validates every run before returning any: errors point at the sweep value and name the runs', () => {
    const dir = tempFiles({
      's.yaml': yaml(
        ...BASE, //                                   lines 1-6
        'sweep:', //                                  7
        '  parameters:', //                           8
        '    model.backbone: [resnet18, resnet99]', // 9
        '    train.optimizer.lr:', //                 10
        '      - 0.001', //                           11
        '      - -1', //                              12
        '    augment:', //                            13
        '      - [{name: hflip, p: 2}]', //           14
      ),
    });
    const err = errorOf(() => expandSweep(path.join(dir, 's.yaml'), { catalog, cwd: dir }));
    const lines = err.message.split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^s\.yaml:9:\d+ model\.backbone: unknown backbone 'resnet99'.*\(sweep runs 3, 4 of 4\)$/),
      expect.stringMatching(/^s\.yaml:12:\d+ train\.optimizer\.lr: must be > 0 \(got -1\) \(sweep runs 2, 4 of 4\)$/),
      // a transform's p > 1 is a cross-field error, checked on runs that pass the schema (run 1 here)
      expect.stringMatching(/^s\.yaml:14:\d+ augment\[0\]\.p: 'hflip' is a transform: p is a probability and must be <= 1 \(got 2\).* \(sweep run 1 of 4\)$/),
    ]);
  });

  it('refuses ranges in a grid, overrides of swept fields and a random search without samples', () => {
    const dir = tempFiles({
      'g.yaml': yaml(...BASE, 'sweep:', '  parameters:', '    train.optimizer.lr: {min: 0.001, max: 0.1}'),
      'r.yaml': yaml(...BASE, 'sweep:', '  method: random', '  parameters:', '    train.epochs: [1, 2]'),
      'o.yaml': yaml(...BASE, 'sweep:', '  parameters:', '    train.epochs: [1, 2]'),
    });
    expect(errorOf(() => expandSweep(path.join(dir, 'g.yaml'), { catalog, cwd: dir })).message).toMatch(/^g\.yaml:9:\d+ sweep\.parameters\.train\.optimizer\.lr: a \{min, max\} range needs method: random/);
    expect(errorOf(() => expandSweep(path.join(dir, 'r.yaml'), { catalog, cwd: dir })).message).toMatch(/sweep\.samples: method: random needs samples/);
    expect(errorOf(() => expandSweep(path.join(dir, 'o.yaml'), { catalog, cwd: dir, overrides: ['train.epochs=3'] })).message).toMatch(/^--set train\.epochs=3 .*drop the override or the parameter/);
  });

  it('checks the block itself with the file schema, and a plain resolution ignores it', () => {
    const dir = tempFiles({
      'bad.yaml': yaml(...BASE, 'sweep:', '  methd: grid', '  parameters:', '    train.epochs: [1]'),
      'empty.yaml': yaml(...BASE, 'sweep:', '  method: grid', '  parameters:', '    train.epochs: []'),
      'ok.yaml': yaml(...BASE, 'sweep:', '  parameters:', '    train.epochs: [1, 2]'),
      'plain.yaml': yaml(...BASE),
    });
    expect(errorOf(() => expandSweep(path.join(dir, 'bad.yaml'), { catalog, cwd: dir })).message).toMatch(/^bad\.yaml:8:3 sweep\.methd: unknown key 'methd'.*did you mean 'method'/);
    const err = errorOf(() => expandSweep(path.join(dir, 'empty.yaml'), { catalog, cwd: dir }));
    expect(err.message).toMatch(/empty\.yaml:10:\d+ sweep\.parameters\.train\.epochs: needs at least one value/);
    // the same config (and hash) as the file without the block
    expect(resolveExperiment(path.join(dir, 'ok.yaml'), { catalog, cwd: dir }).canonicalJson.replace('"ok"', '"plain"')).toBe(
      resolveExperiment(path.join(dir, 'plain.yaml'), { catalog, cwd: dir }).canonicalJson,
    );
  });
});
