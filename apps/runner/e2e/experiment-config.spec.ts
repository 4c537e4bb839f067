import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { resolveExperiment, resolveExperimentText, toResolvedYaml } from '@dfl/experiment';
import { catalog } from '../src/plugins';

// Each `dfl` process compiles its TypeScript on start: seconds on a busy 2-core machine.
jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '..', '..', '..');
const dfl = path.join(repo, 'apps/runner/bin/dfl.js');
const experiments = path.join(repo, 'experiments');

async function runDfl(args: string[], cwd = repo): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [dfl, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('experiment files with the real plug-in catalog', () => {
  const files = readdirSync(experiments).filter((f) => /\.ya?ml$/.test(f));

  it('has the seed baseline, its efficientnet_b1 variant and the demo', () => {
    expect(files).toEqual(expect.arrayContaining(['base.yaml', 'baseline-efficientnet_b1.yaml', 'demo.yaml']));
  });

  it.each(files)('experiments/%s passes validation', (file) => {
    expect(() => resolveExperiment(path.join(experiments, file), { catalog })).not.toThrow();
  });

  it('base.yaml is the seed recipe', () => {
    const { config } = resolveExperiment(path.join(experiments, 'base.yaml'), { catalog });
    expect(config.model.backbone).toBe('resnet18');
    expect(config.data.image_size).toBe(256);
    expect(config.data.mean).toEqual([0.485, 0.456, 0.406]);
    expect(config.augment.map((s) => [s.name, s.p])).toEqual([['hflip', 0.5], ['vflip', 0.5]]);
    expect(config.train).toMatchObject({ batch_size: 40, select_best_by: 'auc', optimizer: { name: 'adam', lr: 0.005 }, schedule: { name: 'step', step_size: 4, gamma: 0.85 } });
    expect(config.tta).toEqual({ views: [{ name: 'identity' }, { name: 'hflip' }, { name: 'vflip' }], combine: 'mean_prob' });
    expect(config.data.root).toBe(path.join(repo, 'data/challenge'));
  });

  it('demo.yaml reads the demo data at <repo>/data/demo', () => {
    const { config } = resolveExperiment(path.join(experiments, 'demo.yaml'), { catalog });
    expect(config.data.root).toBe(path.join(repo, 'data/demo'));
    expect(config.data.image_size).toBe(64);
  });

  it('`dfl show` prints YAML that resolves to the same config and hash', () => {
    const first = resolveExperiment(path.join(experiments, 'demo.yaml'), { catalog, overrides: ['train.epochs=2'] });
    const shown = toResolvedYaml(first);
    expect(parse(shown).train.epochs).toBe(2);
    const again = resolveExperimentText(shown, path.join(tmpdir(), 'shown.yaml'), { catalog });
    expect(again.hash).toBe(first.hash);
  });
});

describe('dfl validate / show / schema', () => {
  it('prints three errors with their lines for a key typo, a negative learning rate and an unknown backbone, exit 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dfl-validate-'));
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      ['name: bad', 'data:', '  root: data', 'model:', '  backbone: resnet19', 'train:', '  epochz: 3', '  optimizer: {name: adam, lr: -0.01}', ''].join('\n'),
    );
    const { code, stdout, stderr } = await runDfl(['validate', 'bad.yaml'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const errors = stderr.split('\n').filter((l) => /^bad\.yaml:\d+:\d+ /.test(l));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^bad\.yaml:5:13 model\.backbone: unknown backbone 'resnet19'; did you mean 'resnet18'\?/);
    expect(errors[1]).toBe("bad.yaml:7:3 train.epochz: unknown key 'epochz'; did you mean 'epochs'?");
    expect(errors[2]).toBe('bad.yaml:8:31 train.optimizer.lr: must be > 0 (got -0.01)');
    expect(stderr).toContain('bad.yaml: 3 errors');
  });

  it('prints one summary line per valid file and exits 0', async () => {
    const { code, stdout } = await runDfl(['validate', 'experiments/demo.yaml', 'experiments/base.yaml']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^ok experiments\/demo\.yaml: demo \(tiny_cnn 64px/),
      expect.stringMatching(/^ok experiments\/base\.yaml: seed-baseline \(resnet18 256px/),
    ]);
  });

  it('writes the JSON Schema with the registered plug-ins', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'dfl-schema-')), 'experiment.schema.json');
    const { code } = await runDfl(['schema', '--out', out]);
    expect(code).toBe(0);
    const schema = JSON.parse(readFileSync(out, 'utf8'));
    expect(schema.properties.augment.items.properties.name.enum).toEqual(expect.arrayContaining(['hflip', 'vflip', 'sbi']));
    expect(schema.properties.train.properties.schedule.properties.name.enum).toEqual(['constant', 'cosine', 'step']);
  });
});

describe('dfl backbones --json', () => {
  it("prints every backbone with torchvision's trainable parameter count where torchvision has the network, and nothing on stderr", async () => {
    const res = await runDfl(['backbones', '--json']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const rows = JSON.parse(res.stdout) as Array<{ name: string; params: number }>;
    const torchvision = (JSON.parse(readFileSync(path.join(repo, 'libs', 'models', 'fixtures', 'torchvision_models.json'), 'utf8')) as { models: Record<string, { params_2: number }> }).models;
    const shared = rows.filter((r) => torchvision[r.name]);
    expect(shared.map((r) => r.name)).toEqual(expect.arrayContaining(['resnet18', 'resnet50', 'efficientnet_b0', 'efficientnet_b4', 'mobilenet_v2', 'mobilenet_v3_small']));
    for (const r of shared) expect([r.name, r.params]).toEqual([r.name, torchvision[r.name].params_2]);
    expect(rows.find((r) => r.name === 'resnet18')?.params).toBe(11_177_538);
  });
});
