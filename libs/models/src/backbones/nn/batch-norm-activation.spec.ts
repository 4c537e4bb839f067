import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '@dfl/core';
import { selectEngine, type EngineName } from '../../engine';
import { NATIVE_BATCH_NORM_ACT_KERNEL } from '../../engine/native-engine-loader';
import { BatchNorm2d, Conv2d, convBnAct, type ActivationName } from './layers';
import type { ForwardContext } from './module';

const TRAINING: ForwardContext = { training: true, nextSeed: () => 0 };
const EVAL: ForwardContext = { training: false, nextSeed: () => 0 };

interface BlockRun {
  /** Kernels of one forward pass. */
  kernels: string[];
  /** Output, then the gradients of sum(y * r) for x, conv weight, BatchNorm weight and bias, then the running stats. */
  values: Float32Array[];
}

/**
 * One conv + BatchNorm + `act` block (dense or depthwise, as in MobileNet / EfficientNet), built from the same seed
 * on `engine`: a forward pass profiled, then the loss sum(y * r) differentiated. BatchNorm's gamma and beta are
 * spread so that ReLU6 clips at both ends and every activation sees both signs.
 */
async function runBlock(engine: EngineName, act: ActivationName, ctx: ForwardContext, depthwise: boolean): Promise<BlockRun> {
  await selectEngine(engine);
  const rng = new SeededRandom(11);
  const values = (shape: number[], scale = 1, offset = 0) =>
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + scale * rng.normal()), shape);
  const c = 8;
  const conv = new Conv2d({ rng }, depthwise ? c : 5, c, 3, { stride: depthwise ? 2 : 1, groups: depthwise ? c : 1 });
  const bn = new BatchNorm2d(c);
  tf.tidy(() => {
    bn.weight.assign(tf.linspace(0.5, 3, c));
    bn.bias.assign(tf.linspace(-4, 5, c));
  });
  const x0 = values([3, 7, 7, depthwise ? c : 5], 2, 0.5);
  const x = tf.variable(x0);
  x0.dispose();
  const r = values(depthwise ? [3, 4, 4, c] : [3, 7, 7, c]);
  try {
    const profile = await tf.profile(() => tf.tidy(() => convBnAct(conv, bn, x, ctx, act)));
    const y = profile.result as tf.Tensor;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(convBnAct(conv, bn, x, ctx, act), r)), [x, conv.weight, bn.weight, bn.bias]);
    const outputs = [y, ...[x, conv.weight, bn.weight, bn.bias].map((v) => grads[v.name]), bn.runningMean, bn.runningVar];
    const run = { kernels: profile.kernelNames, values: outputs.map((t) => t.dataSync().slice() as Float32Array) };
    tf.dispose([y, value, ...Object.values(grads)]);
    return run;
  } finally {
    tf.dispose([x, r, conv.weight, bn.weight, bn.bias, bn.runningMean, bn.runningVar]);
  }
}

/** max |got - want| / max |want|, per tensor; the worst of them. */
function worstRelativeError(got: Float32Array[], want: Float32Array[]): number {
  let worst = 0;
  want.forEach((w, t) => {
    let diff = 0;
    let scale = 1e-12;
    for (let i = 0; i < w.length; i++) {
      diff = Math.max(diff, Math.abs(got[t][i] - w[i]));
      scale = Math.max(scale, Math.abs(w[i]));
    }
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

describe('convBnAct on the native engine: ReLU / ReLU6 / SiLU inside training BatchNorm', () => {
  let nativeReady = true;
  beforeAll(async () => {
    try {
      await selectEngine('native');
    } catch (error) {
      nativeReady = false;
      console.warn(`native engine unavailable, skipped: ${(error as Error).message.split('\n')[0]}`);
    }
  });
  afterAll(() => selectEngine('cpu'));

  const cases: [ActivationName, boolean][] = (['relu', 'relu6', 'silu'] as ActivationName[]).flatMap((act) => [
    [act, false],
    [act, true],
  ]);
  it.each(cases)('%s (depthwise %p): output, gradients and running statistics equal the cpu backend\'s, in one fused kernel', async (act, depthwise) => {
    if (!nativeReady) return;
    const want = await runBlock('cpu', act, TRAINING, depthwise);
    const got = await runBlock('native', act, TRAINING, depthwise);
    expect(worstRelativeError(got.values, want.values)).toBeLessThan(1e-4);
    expect(got.kernels).toContain(NATIVE_BATCH_NORM_ACT_KERNEL);
    // no separate activation pass (tfjs' Relu / Relu6, the native DflSilu) nor a plain BatchNorm
    expect(got.kernels.filter((k) => /relu|silu|batchnorm$/i.test(k))).toEqual([]);
  });

  it('keeps BatchNorm and the activation separate in eval mode and for activations it cannot fuse', async () => {
    if (!nativeReady) return;
    const evalRun = await runBlock('native', 'relu6', EVAL, false);
    expect(evalRun.kernels).not.toContain(NATIVE_BATCH_NORM_ACT_KERNEL);
    expect(evalRun.kernels).toContain('Relu6');
    const hardswish = await runBlock('native', 'hardswish', TRAINING, false);
    expect(hardswish.kernels).not.toContain(NATIVE_BATCH_NORM_ACT_KERNEL);
    const want = await runBlock('cpu', 'hardswish', TRAINING, false);
    expect(worstRelativeError(hardswish.values, want.values)).toBeLessThan(1e-4);
  });

  it('leaves no tensors behind', async () => {
    if (!nativeReady) return;
    const before = tf.memory().numTensors;
    await runBlock('native', 'silu', TRAINING, true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
