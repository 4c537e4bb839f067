import * as tf from '@tensorflow/tfjs';
import { describeBackbones, formatBackbonesTable } from './describe-backbones';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('describeBackbones (dfl backbones)', () => {
  it('gives each backbone its trainable parameters with the requested head, input config and defaults', () => {
    const before = tf.memory().numTensors;
    const two = describeBackbones(2);
    const thousand = describeBackbones(1000);
    expect(tf.memory().numTensors).toBe(before);
    const r18 = two.find((r) => r.name === 'resnet18')!;
    expect(r18.params).toBe(11_177_538);
    expect(thousand.find((r) => r.name === 'resnet18')!.params).toBe(11_689_512);
    expect(r18.input).toEqual({ size: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], interpolation: 'bilinear' });
    expect(two.find((r) => r.name === 'xception')!.input).toMatchObject({ size: 299, interpolation: 'bicubic' });
    expect(two.find((r) => r.name === 'efficientnet_b3')!.options).toEqual({ dropout: 0.3, drop_path: 0.2 });
    expect(JSON.parse(JSON.stringify(two))).toEqual(two);
  });

  it('prints a table with one row per backbone', () => {
    const table = formatBackbonesTable(describeBackbones(2));
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^backbone\s+params\s+input/);
    expect(table).toMatch(/resnet18\s+11,177,538\s+224px\s+bilinear/);
    expect(table).toMatch(/tiny_cnn\s+23,826\s+64px/);
    expect(table).toContain('with a 2-class head');
  });
});
