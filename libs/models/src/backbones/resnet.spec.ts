import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { SeededRandom } from '@dfl/core';
import { readSafetensorsFile, toFloat32 } from '../weights/safetensors';
import { toOurs } from '../weights/state-dict';
import { Bottleneck } from './resnet';

// resnet50 is too large to store as a fixture: its Bottleneck block (stride 2, projection shortcut) is checked
// against torchvision's on its own (../../fixtures/make_parity_fixtures.py).
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'parity');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

it("resnet's Bottleneck block matches torchvision's (eval, train, running statistics)", async () => {
  const weights = await readSafetensorsFile(path.join(FIXTURES, 'resnet_bottleneck.safetensors'));
  const io = await readSafetensorsFile(path.join(FIXTURES, 'resnet_bottleneck.io.safetensors'));
  const block = new Bottleneck({ rng: new SeededRandom(0) }, { inplanes: 64, planes: 32, stride: 2, dropPath: 0 });
  const params = new Map(block.namedParams());
  try {
    const fileKeys = [...weights.tensors.keys()].filter((k) => !k.endsWith('num_batches_tracked'));
    expect([...params.keys()]).toEqual(fileKeys);
    for (const [key, p] of params) {
      const e = weights.tensors.get(key)!;
      const t = toOurs('torch', p.layout, { shape: e.shape, values: toFloat32(e) });
      p.variable.assign(t);
      t.dispose();
    }
    const nhwc = (k: string) => {
      const e = io.tensors.get(k)!;
      return tf.tidy(() => tf.transpose(tf.tensor(toFloat32(e), [...e.shape]), [0, 2, 3, 1]));
    };
    const x = nhwc('input');
    const xt = nhwc('input_train');
    const outEval = nhwc('out_eval');
    const outTrain = nhwc('out_train');
    const yEval = block.forward(x, { training: false, nextSeed: () => 0 });
    const yTrain = block.forward(xt, { training: true, nextSeed: () => 0 });
    expect(maxAbsDiff(yEval.dataSync(), outEval.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(yTrain.dataSync(), outTrain.dataSync())).toBeLessThan(1e-4);
    const after = (k: string) => toFloat32(io.tensors.get(k)!);
    expect(maxAbsDiff(params.get('bn1.running_mean')!.variable.dataSync(), after('running_mean_after_train'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(params.get('bn1.running_var')!.variable.dataSync(), after('running_var_after_train'))).toBeLessThan(1e-4);
    tf.dispose([x, xt, outEval, outTrain, yEval, yTrain]);
  } finally {
    for (const p of params.values()) p.variable.dispose();
  }
});
