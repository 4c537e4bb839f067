import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { backbones } from './backbone-registry';
import { backboneStateDictShapes, countBackboneParams } from './create-model';

// torchvision_models.json is printed by ../../fixtures/make_parity_fixtures.py from torchvision 0.14 itself.
interface TorchvisionModel {
  params_2: number;
  params_1000: number;
  state_dict: Array<[string, number[]]>;
}
const reference = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'torchvision_models.json'), 'utf8')) as {
  models: Record<string, TorchvisionModel>;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const torchvisionZoo = backbones.all().filter((b) => b.counterpart?.library === 'torchvision');

describe('the zoo', () => {
  it('registers every backbone of the issue, each with an input config', () => {
    expect(backbones.names()).toEqual([
      'efficientnet_b0',
      'efficientnet_b1',
      'efficientnet_b2',
      'efficientnet_b3',
      'efficientnet_b4',
      'mobilenet_v2',
      'mobilenet_v3_large',
      'mobilenet_v3_small',
      'resnet18',
      'resnet34',
      'resnet50',
      'tiny_cnn',
      'xception',
    ]);
    for (const b of backbones.all()) {
      expect(b.input.size).toBeGreaterThanOrEqual(b.minSize);
      expect(b.input.mean).toHaveLength(3);
    }
    expect(torchvisionZoo.map((b) => b.name).sort()).toEqual(Object.keys(reference.models).sort());
  });

  it.each(torchvisionZoo.map((b) => b.name))('%s has torchvision’s parameter counts (2 and 1000 classes)', (name) => {
    expect(countBackboneParams(name, 2)).toBe(reference.models[name].params_2);
    expect(countBackboneParams(name, 1000)).toBe(reference.models[name].params_1000);
  });

  it.each(torchvisionZoo.map((b) => b.name))('%s has torchvision’s state-dict keys and shapes, in order', (name) => {
    const ours = backboneStateDictShapes(name, 2);
    const theirs = reference.models[name].state_dict.filter(([k]) => !k.endsWith('num_batches_tracked'));
    expect(ours).toEqual(theirs);
  });

  it("xception has timm's legacy xception parameter count (22,855,952 with 1000 classes)", () => {
    expect(countBackboneParams('xception', 1000)).toBe(22_855_952);
    // 2048 features -> 2 classes instead of 1000
    expect(countBackboneParams('xception', 2)).toBe(22_855_952 - 998 * 2049);
  });
});
