/**
 * One training BatchNorm (forward + backward) at resnet18 sizes on `native`: @dfl/models' composition from tfjs
 * ops (channel sums as matMul, composed gradient; what batchNormTraining runs on the other backends) against nativeBatchNormTraining (one pass for the statistics, two
 * for the gradient). CPU milliseconds per call on one thread, so the shared cores' load barely moves them.
 *
 *   node -r @swc-node/register bench/native/batch-norm-bench.ts
 */
import * as tf from '@tensorflow/tfjs';
import { composedBatchNormTraining } from '@dfl/models';
import { nativeBatchNormTraining, registerNativeBackend } from '@dfl/native-engine';

async function main(): Promise<void> {
  const reg = registerNativeBackend({ threads: 1 });
  if (!reg.ok) return console.log(`native engine unavailable: ${reg.reason}`);
  await tf.setBackend('native');
  type Impl = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, eps: number) => { y: tf.Tensor };
  const impls: [string, Impl][] = [['@dfl/models composedBatchNormTraining', composedBatchNormTraining], ['nativeBatchNormTraining', nativeBatchNormTraining]];
  for (const shape of [[32, 64, 64, 64], [32, 32, 32, 64], [32, 16, 16, 128], [32, 8, 8, 256]]) {
    const c = shape[3];
    const x = tf.randomNormal(shape);
    const dy = tf.randomNormal(shape);
    const g = tf.ones([c]) as tf.Tensor1D;
    const b = tf.zeros([c]) as tf.Tensor1D;
    const row: string[] = [];
    for (const [name, impl] of impls) {
      const step = () => tf.tidy(() => {
        const [dx] = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => impl(a, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5).y)([x, g, b], dy);
        dx.dataSync();
      });
      step();
      const start = process.cpuUsage();
      for (let i = 0; i < 5; i++) step();
      const used = process.cpuUsage(start);
      row.push(`${name} ${((used.user + used.system) / 1000 / 5).toFixed(1)} ms`);
    }
    console.log(`[${shape}] forward+backward CPU ms: ${row.join(', ')}`);
    tf.dispose([x, dy, g, b]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
