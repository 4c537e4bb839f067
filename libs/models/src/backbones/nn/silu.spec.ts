import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { createModel } from '../create-model';
import { selectEngine } from '../../engine';
import { loadPretrained } from '../../weights/load-pretrained';
import { readSafetensorsFile, toFloat32 } from '../../weights/safetensors';
import { FUSED_CONV2D_SILU_KERNEL, FUSED_DEPTHWISE_CONV2D_SILU_KERNEL, silu, SILU_KERNEL } from './silu';

// The same torchvision fixture parity.spec.ts checks on wasm / cpu (random weights, 2 classes, 32 px).
const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'parity');

describe('silu', () => {
  it('is x * sigmoid(x), with its gradient, on backends without the native kernel', async () => {
    await selectEngine('cpu');
    const x = tf.tensor([-100, -3, -0.5, 0, 0.5, 3, 100]);
    const want = tf.mul(x, tf.sigmoid(x));
    expect(Array.from(silu(x).dataSync())).toEqual(Array.from(want.dataSync()));
    const grad = tf.grad(silu)(x).dataSync();
    [-100, -3, -0.5, 0, 0.5, 3, 100].forEach((v, i) => {
      const s = 1 / (1 + Math.exp(-v));
      expect(grad[i]).toBeCloseTo(s * (1 + v * (1 - s)), 6);
    });
    tf.dispose([x, want]);
  });
});

describe('efficientnet_b0 on the native engine (SiLU kernels) matches torchvision', () => {
  it('in eval mode and through the folded inference view (SiLU fused into the convolutions)', async () => {
    try {
      await selectEngine('native');
    } catch (error) {
      console.warn(`native engine unavailable, skipped: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    const io = await readSafetensorsFile(path.join(FIXTURES, 'efficientnet_b0.io.safetensors'));
    const get = (k: string) => {
      const e = io.tensors.get(k)!;
      return { shape: [...e.shape], values: toFloat32(e) };
    };
    const model = createModel('efficientnet_b0', { numClasses: 2, dropout: 0, dropPath: 0 });
    const inference = model.inference();
    const input = get('input');
    const x = tf.tidy(() => tf.transpose(tf.tensor(input.values, input.shape), [0, 2, 3, 1]));
    try {
      await loadPretrained(model, path.join(FIXTURES, 'efficientnet_b0.safetensors'));
      const want = get('logits_eval').values;
      const maxDiff = (t: tf.Tensor) => Math.max(...Array.from(t.dataSync()).map((v, i) => Math.abs(v - want[i])));
      const evalRun = await tf.profile(() => model.predict(x));
      const foldedRun = await tf.profile(() => inference.predict(x));
      expect(evalRun.kernelNames).toContain(SILU_KERNEL);
      expect(foldedRun.kernelNames).toEqual(expect.arrayContaining([FUSED_CONV2D_SILU_KERNEL, FUSED_DEPTHWISE_CONV2D_SILU_KERNEL]));
      const evalLogits = evalRun.result as tf.Tensor;
      const folded = foldedRun.result as tf.Tensor;
      expect(maxDiff(evalLogits)).toBeLessThan(1e-4);
      expect(maxDiff(folded)).toBeLessThan(1e-4);
      tf.dispose([evalLogits, folded]);
    } finally {
      x.dispose();
      inference.dispose();
      model.dispose();
      await selectEngine('cpu');
    }
  }, 60_000);
});
