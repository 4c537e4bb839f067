import * as tf from '@tensorflow/tfjs';
import { createModel } from '../backbones/create-model';
import { selectEngine, type EngineName } from './select-engine';

/**
 * One training step's loss and gradients of each backbone on our fast engines equal the `cpu` backend's
 * (pure JS, tfjs's reference kernels). tiny_cnn always runs; the big backbones take minutes on the cpu backend
 * (its Conv2DBackpropFilter runs at ~0.01 GFLOP/s), so they run with DFL_BACKBONE_GRAD_TESTS=1.
 *
 * Sizes keep every BatchNorm's batch statistics over >= 8 values: at 1x1 spatial with batch 2, normalising two
 * values is ill-conditioned and float32 summation order alone moves the loss by 1e-3.
 *
 * Discontinuities make this comparison fragile: a ReLU (or ReLU6, or a max-pool argmax) whose input lies within
 * float32 rounding of its threshold can decide differently on two correct engines, and one such element moves a
 * BatchNorm bias gradient by percents when the statistics are over a few dozen values. Every element-wise or
 * reduction kernel that feeds a ReLU must therefore round the way the cpu backend does near zero. Two such flips
 * were the whole of the "native gradients differ by 6e-2" report (2026-11-26): the native FusedBatchNorm computed
 * x * s + (offset - mean * s), which leaves one ulp of mean * s where the output should be ~0 (fixed: (x - mean) * s
 * + offset, as tfjs' cpu kernel; resnet18 at 48 px batch 2 went from 3.4e-2 to 1.7e-5); and at batch 8 one
 * pre-activation at 2e-6 on cpu comes out at -3.5e-6 on native with 2 threads (ordinary float32 accumulation-order
 * noise, ~1e-5 at layer4): pinning that one ReLU mask element to cpu's decision gives 7e-6 everywhere, and every
 * native kernel call of that step matches the cpu kernel on the same inputs to 3e-6. So do not raise the batch
 * or size here without checking how many ReLU inputs lie within ~1e-5 of zero.
 *
 * Native vs cpu after that fix (2026-11-26): resnet18 1.7e-5, efficientnet_b0 9.3e-5 (passes; wasm 1.3e-4),
 * mobilenet_v2 7.1e-2 on features.5.conv.0.1.bias, which is again one ReLU6 input at -7e-7 (pinning that element
 * to cpu's mask gives 2.2e-4); wasm gave 0.30 on mobilenet_v2 in the same run.
 *
 * Measured 2026-11-26 (wasm vs cpu, worst tensor): tiny_cnn passes; resnet18 1.9e-5, mobilenet_v3_small 3.8e-5,
 * efficientnet_b0 1.3e-4 (loss 5e-5); mobilenet_v2 FAILS at 4e-2 on some 1x1 expand-conv weights at 64-128 px,
 * with its loss equal within 1e-5 - and wasm vs native, and native vs cpu, differ by the same few percent there,
 * so it looks like ReLU6 / BatchNorm(batch 2) sensitivity rather than a kernel (the kernels match cpu to 1e-7 on
 * those shapes), but that is not proven.
 */
const CASES: { name: string; size: number; slow: boolean }[] = [
  { name: 'tiny_cnn', size: 32, slow: false },
  { name: 'resnet18', size: 48, slow: true },
  { name: 'mobilenet_v2', size: 64, slow: true },
  { name: 'efficientnet_b0', size: 64, slow: true },
  { name: 'mobilenet_v3_small', size: 64, slow: true },
];
const BATCH = 2;
/** Loss: relative. Gradients: per tensor, relative to max(its largest reference value, 1e-3 x the largest of all
 * tensors): some gradients are zero in exact arithmetic (a BatchNorm bias feeding only a conv + BatchNorm) and
 * are float noise on both sides. */
const TOLERANCE = { loss: 1e-4, grad: 1e-4 };

interface Step {
  loss: number;
  grads: Map<string, Float32Array>;
}

function oneStep(name: string, size: number): Step {
  const model = createModel(name, { numClasses: 2, seed: 0, dropout: 0, dropPath: 0 });
  const x = tf.randomNormal([BATCH, size, size, 3], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2));
  const named = [...model.namedVariables().entries()].filter(([, p]) => p.trainable);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })) as tf.Scalar,
    named.map(([, p]) => p.variable),
  );
  try {
    return {
      loss: value.dataSync()[0],
      grads: new Map(named.map(([key, p]) => [key, grads[p.variable.name].dataSync() as Float32Array])),
    };
  } finally {
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  }
}

function compare(got: Step, want: Step): { loss: number; worst: number; worstKey: string } {
  let globalMax = 0;
  for (const g of want.grads.values()) for (const v of g) globalMax = Math.max(globalMax, Math.abs(v));
  let worst = 0;
  let worstKey = '';
  for (const [key, w] of want.grads) {
    const g = got.grads.get(key)!;
    let diff = 0;
    let scale = 1e-3 * globalMax;
    for (let i = 0; i < w.length; i++) {
      diff = Math.max(diff, Math.abs(g[i] - w[i]));
      scale = Math.max(scale, Math.abs(w[i]));
    }
    if (diff / scale > worst) {
      worst = diff / scale;
      worstKey = key;
    }
  }
  return { loss: Math.abs(got.loss - want.loss) / Math.abs(want.loss), worst, worstKey };
}

const slowEnabled = process.env.DFL_BACKBONE_GRAD_TESTS === '1';

describe('backbone gradients: one training step equals the cpu backend', () => {
  const engines: EngineName[] = ['wasm', 'native'];
  for (const c of CASES) {
    const run = c.slow && !slowEnabled ? it.skip : it;
    run(
      `${c.name} at ${c.size} px, batch ${BATCH}: loss and every gradient on ${engines.join(' / ')} (when available)`,
      async () => {
        await selectEngine('cpu');
        const want = oneStep(c.name, c.size);
        let tested = 0;
        // Every engine is compared before anything is asserted, so one engine's failure does not hide another's.
        const results: Record<string, unknown>[] = [];
        const wanted: Record<string, unknown>[] = [];
        for (const engine of engines) {
          try {
            await selectEngine(engine);
          } catch {
            expect(engine).not.toBe('wasm'); // wasm is a dependency: it must load
            continue;
          }
          const tensors = tf.memory().numTensors;
          const got = oneStep(c.name, c.size);
          expect(tf.memory().numTensors).toBe(tensors);
          const r = compare(got, want);
          // One assertion whose failure message names each engine, both errors and the worst tensor.
          results.push({ engine, lossOk: r.loss < TOLERANCE.loss, gradsOk: r.worst < TOLERANCE.grad, ...r });
          wanted.push({ engine, lossOk: true, gradsOk: true, ...r });
          tested++;
        }
        expect(results).toEqual(wanted);
        expect(tested).toBeGreaterThan(0);
      },
      15 * 60_000,
    );
  }
});
