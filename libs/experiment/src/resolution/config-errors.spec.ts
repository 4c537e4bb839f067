import * as path from 'node:path';
import { ExperimentConfigError, formatIssue, type ConfigIssue } from '../errors/config-error';
import { testCatalog } from '../testing/test-catalog';
import { tempFiles, yaml } from '../testing/temp-files';
import { resolveExperiment } from './resolve-experiment';

const catalog = testCatalog();

/** Resolves `main` among `files` (cwd = their folder) and returns the formatted issues it must fail with. */
function errorsOf(files: Record<string, string>, main = Object.keys(files)[0], overrides: string[] = []): string[] {
  return issuesOf(files, main, overrides).map(formatIssue);
}

function issuesOf(files: Record<string, string>, main = Object.keys(files)[0], overrides: string[] = []): readonly ConfigIssue[] {
  const dir = tempFiles(files);
  try {
    resolveExperiment(path.join(dir, main), { catalog, cwd: dir, overrides });
  } catch (err) {
    if (err instanceof ExperimentConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected the experiment to be rejected');
}

describe('experiment errors point at the file, line and column', () => {
  it('reports a typo in a key, a negative learning rate and an unknown backbone together, in file order', () => {
    const errors = errorsOf({
      'x.yaml': yaml(
        'data:',
        '  root: data',
        'model:',
        '  backbone: resnet19',
        'train:',
        '  epohcs: 3',
        '  optimizer:',
        '    name: adam',
        '    lr: -0.005',
      ),
    });
    expect(errors).toEqual([
      "x.yaml:4:13 model.backbone: unknown backbone 'resnet19'; did you mean 'resnet18'? (valid: resnet18, tiny_cnn)",
      "x.yaml:6:3 train.epohcs: unknown key 'epohcs'; did you mean 'epochs'?",
      'x.yaml:9:9 train.optimizer.lr: must be > 0 (got -0.005)',
    ]);
  });

  it('carries the structured issues on a UserError whose message is one line per issue', () => {
    const dir = tempFiles({ 'x.yaml': yaml('data: {root: d}', 'model: {backbone: nope}', 'engine: gpu') });
    let caught: unknown;
    try {
      resolveExperiment(path.join(dir, 'x.yaml'), { catalog, cwd: dir });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExperimentConfigError);
    const err = caught as ExperimentConfigError;
    expect(err.exitCode).toBe(1);
    expect(err.issues).toEqual([
      { file: 'x.yaml', line: 2, col: 19, path: 'model.backbone', message: "unknown backbone 'nope' (valid: resnet18, tiny_cnn)" },
      { file: 'x.yaml', line: 3, col: 9, path: 'engine', message: "must be one of: auto, tensorflow, native, wasm, cpu (got 'gpu'); did you mean 'cpu'?" },
    ]);
    expect(err.message.split('\n')).toHaveLength(2);
  });

  it('reports invalid YAML syntax', () => {
    expect(errorsOf({ 'x.yaml': yaml('data:', '  root: [a, b', 'model: {backbone: resnet18}') })[0]).toMatch(/^x\.yaml:3:1 invalid YAML: /);
  });

  it('reports duplicate keys', () => {
    expect(errorsOf({ 'x.yaml': yaml('data: {root: d}', 'model:', '  backbone: resnet18', '  backbone: tiny_cnn') })).toEqual([
      "x.yaml:4:3 duplicate key 'backbone'",
    ]);
  });

  it('stops an alias bomb ("billion laughs") with an error instead of expanding it', () => {
    const bomb = yaml(
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
      'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
      'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
      'i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
    );
    const errors = errorsOf({ 'x.yaml': bomb });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^x\.yaml:2:8 too many alias expansions/);
  });

  it('accepts a few ordinary aliases', () => {
    const dir = tempFiles({ 'x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'augment: [&flip {name: hflip, p: 0.5}, *flip]') });
    expect(resolveExperiment(path.join(dir, 'x.yaml'), { catalog, cwd: dir }).config.augment).toHaveLength(2);
  });

  it('reports unknown keys with a suggestion, or the valid keys when nothing is close', () => {
    expect(errorsOf({ 'x.yaml': yaml('data: {root: d, imagesize: 64}', 'model: {backbone: resnet18}', 'trian: {}', 'zzz: 1') })).toEqual([
      "x.yaml:1:17 data.imagesize: unknown key 'imagesize'; did you mean 'image_size'?",
      "x.yaml:3:1 trian: unknown key 'trian'; did you mean 'train'?",
      "x.yaml:4:1 zzz: unknown key 'zzz'; expected one of: extends, version, name, tags, notes, engine, data, model, augment, tta, train, eval, sweep",
    ]);
  });

  it("validates each plug-in's options with its own schema, unknown options included", () => {
    const errors = errorsOf({
      'x.yaml': yaml(
        'data: {root: d}',
        'model: {backbone: tiny_cnn, options: {width: 0, depth: 2}}',
        'augment:',
        '  - {name: jpeg, quality_min: 500, qualty_max: 90}',
        '  - {name: hflp, p: 2}',
        'train: {schedule: {name: step}}',
      ),
    });
    expect(errors).toEqual([
      "x.yaml:2:49 model.options.depth: unknown key 'depth'; expected one of: width",
      'x.yaml:2:46 model.options.width: must be >= 1 (got 0)',
      'x.yaml:4:31 augment[0].quality_min: must be <= 100 (got 500)',
      "x.yaml:4:36 augment[0].qualty_max: unknown key 'qualty_max'; did you mean 'quality_max'?",
      "x.yaml:5:12 augment[1].name: unknown augmentation 'hflp'; did you mean 'hflip'? (valid: hflip, jpeg, sbi, vflip)",
            "x.yaml:6:9 train.schedule.step_size: missing required key 'step_size'",
    ].sort(byPosition));
  });

  it('reports a failed union of literals once, as a choice', () => {
    expect(errorsOf({ 'x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'tta: {views: [{name: five_crop, corners: tops}]}') })).toEqual([
      "x.yaml:3:42 tta.views[0].corners: must be one of: all, top (got 'tops'); did you mean 'top'?",
    ]);
  });

  it('reports wrong types and values with what was given', () => {
    expect(
      errorsOf({ 'x.yaml': yaml('data: {root: d, image_size: big, bad_images: skp}', 'model: {backbone: resnet18, num_classes: 3}', 'tags: oops') }),
    ).toEqual([
      "x.yaml:1:29 data.image_size: must be an integer (got 'big')",
      "x.yaml:1:46 data.bad_images: must be one of: error, skip (got 'skp'); did you mean 'skip'?",
      'x.yaml:2:42 model.num_classes: must be <= 2 (got 3)',
      "x.yaml:3:7 tags: must be a list (got 'oops')",
    ]);
  });

  it('reports a missing required key at the map that lacks it', () => {
    expect(errorsOf({ 'x.yaml': yaml('name: x', 'data:', '  layout: challenge', 'model: {backbone: resnet18}') })).toEqual([
      "x.yaml:2:1 data.root: missing required key 'root'",
    ]);
    expect(errorsOf({ 'x.yaml': yaml('name: x', 'model: {backbone: resnet18}') })).toEqual(["x.yaml:1:1 data: missing required key 'data'"]);
  });

  it('points an error inherited through extends at the file where the value was written', () => {
    const errors = errorsOf(
      {
        'child.yaml': yaml('extends: parts/base.yaml', 'train: {epochs: 0}'),
        'parts/base.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'train:', '  batch_size: -4'),
      },
      'child.yaml',
    );
    expect(errors).toEqual(['child.yaml:2:17 train.epochs: must be >= 1 (got 0)', 'parts/base.yaml:4:15 train.batch_size: must be >= 1 (got -4)']);
  });

  it('reports errors in several files of an extends chain at once, syntax errors included', () => {
    const errors = errorsOf({ 'child.yaml': yaml('extends: base.yaml', 'x: [1'), 'base.yaml': yaml('a: 1', 'a: 2') }, 'child.yaml');
    expect(errors).toEqual([
      'child.yaml:3:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      "base.yaml:2:1 duplicate key 'a'",
    ]);
  });

  it('detects extends cycles and missing files', () => {
    expect(errorsOf({ 'a.yaml': yaml('extends: b.yaml'), 'b.yaml': yaml('name: b', 'extends: a.yaml') }, 'a.yaml')).toEqual([
      'b.yaml:2:10 extends: extends cycle: a.yaml -> b.yaml -> a.yaml',
    ]);
    expect(errorsOf({ 'a.yaml': yaml('extends: ./missing.yaml') })[0]).toMatch(/^a\.yaml:1:10 extends: cannot read '.*missing\.yaml': no such file$/);
    expect(errorsOf({ 'a.yaml': yaml('extends: [x]') })).toEqual(['a.yaml:1:10 extends: must be a file name (a string), e.g. extends: base.yaml']);
  });

  it('rejects a file that is not a map of fields, or is empty', () => {
    expect(errorsOf({ 'x.yaml': yaml('- a', '- b') })).toEqual([
      'x.yaml:1:1 expected a map of experiment fields (name, data, model, train ...) at the top level',
    ]);
    expect(errorsOf({ 'x.yaml': '' })).toEqual(['x.yaml:1:1 expected a map of experiment fields (name, data, model, train ...) at the top level']);
  });

  it('rejects YAML values that are not JSON data', () => {
    expect(errorsOf({ 'x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'train: {grad_clip: .inf}', 'notes: !!binary aGVsbG8=') })).toEqual([
      'x.yaml:3:20 train.grad_clip: Infinity is not allowed: numbers must be finite',
      'x.yaml:4:17 notes: unsupported YAML value (tag tag:yaml.org,2002:binary): use plain strings, numbers, booleans, lists and maps',
    ]);
  });

  it('names the --set override an invalid value came from', () => {
    const files = { 'x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'augment: [{name: hflip}]') };
    expect(errorsOf(files, 'x.yaml', ['train.optimizer.lr=-1', 'train.epoch=3', 'augment.4.p=0.5', 'model', 'train.epochs=[1'])).toEqual([
      '--set train.optimizer.lr=-1 train.optimizer.lr: must be > 0 (got -1)',
      "--set train.epoch=3 train.epoch: unknown key 'epoch'; did you mean 'epochs'?",
      "--set augment.4.p=0.5 augment: has 1 item(s); '4' is not an index of an existing item",
      '--set model expected key.path=value, e.g. --set train.epochs=3',
      expect.stringMatching(/^--set train\.epochs=\[1 invalid YAML: /),
    ]);
  });

  it('takes p as a count for a fake source but as a probability for a transform', () => {
    expect(
      errorsOf({
        'x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'augment:', '  - {name: sbi, p: 2}', '  - {name: hflip, p: 1.5}'),
      }),
    ).toEqual(["x.yaml:5:22 augment[1].p: 'hflip' is a transform: p is a probability and must be <= 1 (got 1.5); only a fake source such as sbi takes a count"]);
  });

  it('runs cross-field checks on a schema-valid config, pointing at the field concerned', () => {
    expect(
      errorsOf({
        'x.yaml': yaml(
          'data:',
          '  root: d',
          '  layout: csv',
          '  train: {labels: train.csv, images: imgs, only_real: true}',
          'model: {backbone: resnet18}',
          'augment: [{name: jpeg, quality_min: 90, quality_max: 40}]',
          'train:',
          '  optimizer: {name: sgd, lr: 0.1, nesterov: true}',
          '  early_stopping: {metric: loss, mode: max, patience: 2}',
          '  select_best_by: accuracy',
        ),
      }),
    ).toEqual([
      "x.yaml:1:1 data.val.labels: layout 'csv' needs the val label file (a CSV of img_name,target)",
      "x.yaml:4:55 data.train.only_real: training on real images only needs a source of fakes: add the 'sbi' augmentation to augment",
      'x.yaml:6:37 augment[0].quality_min: must be <= quality_max',
      'x.yaml:8:45 train.optimizer.nesterov: nesterov needs momentum > 0',
      "x.yaml:9:40 train.early_stopping.mode: 'loss' is minimised: mode must be 'min' (or leave mode out)",
      "x.yaml:10:19 train.select_best_by: 'accuracy' is not in eval.metrics (auc, tpr_at_fpr, eer, ap, loss); add it there",
    ]);
  });

  it('shows file names relative to the working directory', () => {
    const issues = issuesOf({ 'sub/dir/x.yaml': yaml('data: {root: d}', 'model: {backbone: resnet18}', 'engine: 3') });
    expect(issues[0].file).toBe(path.join('sub', 'dir', 'x.yaml'));
  });
});

function byPosition(a: string, b: string): number {
  const pos = (s: string) => s.split(' ')[0].split(':').slice(1).map(Number);
  const [la, ca] = pos(a);
  const [lb, cb] = pos(b);
  return la - lb || ca - cb;
}
