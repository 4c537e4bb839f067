/**
 * Per-shape cost of the convolution kernels behind a resnet18 training step (128 px, batch 32) on the wasm
 * backend: the forward Conv2D, our composed Conv2DBackpropInput beside the stock one, and our
 * Conv2DBackpropFilter (the stock backend has none); then mobilenet_v2's depthwise convolutions. CPU milliseconds of this process (robust to other load on
 * the machine), median of 3 after a warm-up.
 *
 *   node -r @swc-node/register bench/engine/conv-kernels.ts [--batch 32]
 */
import * as tf from '@tensorflow/tfjs';
import { selectEngine, unregisterWasmTrainingKernels, registerWasmTrainingKernels } from '@dfl/models';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function time(fn: () => tf.Tensor): number {
  const run = () => {
    const t = fn();
    t.dataSync();
    t.dispose();
  };
  run();
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = cpuMs();
    run();
    xs.push(cpuMs() - t);
  }
  return xs.sort((a, b) => a - b)[1];
}

/** [name, input HxW, inC, outC, kernel, stride, padding] of each distinct resnet18 conv at 128 px. */
const LAYERS: [string, number, number, number, number, number, number][] = [
  ['conv1 7x7/2', 128, 3, 64, 7, 2, 3],
  ['layer1 3x3', 32, 64, 64, 3, 1, 1],
  ['layer2.0 3x3/2', 32, 64, 128, 3, 2, 1],
  ['layer2 3x3', 16, 128, 128, 3, 1, 1],
  ['layer2 ds 1x1/2', 32, 64, 128, 1, 2, 0],
  ['layer3.0 3x3/2', 16, 128, 256, 3, 2, 1],
  ['layer3 3x3', 8, 256, 256, 3, 1, 1],
  ['layer4.0 3x3/2', 8, 256, 512, 3, 2, 1],
  ['layer4 3x3', 4, 512, 512, 3, 1, 1],
];

async function main(): Promise<void> {
  const i = process.argv.indexOf('--batch');
  const batch = i > 0 ? Number(process.argv[i + 1]) : 32;
  await selectEngine('wasm');
  process.stdout.write(`wasm conv kernels, batch ${batch}: CPU ms per call (median of 3)\n`);
  process.stdout.write(`${'layer'.padEnd(18)} ${'Conv2D'.padStart(8)} ${'dx ours'.padStart(8)} ${'dx stock'.padStart(9)} ${'dW ours'.padStart(8)}\n`);
  const sums = [0, 0, 0, 0];
  for (const [name, hw, inC, outC, k, s, p] of LAYERS) {
    const x = tf.randomNormal([batch, hw, hw, inC]) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, inC, outC]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, s, p);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const fwd = time(() => tf.conv2d(x, w, s, p));
    const dxOurs = time(() => tf.conv2dTranspose(dy, w, x.shape, s, p));
    unregisterWasmTrainingKernels();
    const dxStock = time(() => tf.conv2dTranspose(dy, w, x.shape, s, p));
    registerWasmTrainingKernels();
    const dw = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: s, pad: p, dataFormat: 'NHWC', filterShape: w.shape }) as tf.Tensor);
    [fwd, dxOurs, dxStock, dw].forEach((v, j) => (sums[j] += v));
    process.stdout.write(`${name.padEnd(18)} ${fwd.toFixed(0).padStart(8)} ${dxOurs.toFixed(0).padStart(8)} ${dxStock.toFixed(0).padStart(9)} ${dw.toFixed(0).padStart(8)}\n`);
    tf.dispose([x, w, y, dy]);
  }
  process.stdout.write(`${'sum'.padEnd(18)} ${sums.map((v, j) => v.toFixed(0).padStart(j === 2 ? 9 : 8)).join(' ')}\n`);

  process.stdout.write(`\ndepthwise (mobilenet_v2 at 128 px): the stock wasm backend has neither backward kernel\n`);
  process.stdout.write(`${'layer'.padEnd(18)} ${'fwd'.padStart(8)} ${'dx ours'.padStart(8)} ${'dW ours'.padStart(8)}\n`);
  const dsums = [0, 0, 0];
  for (const [name, hw, c, s] of DEPTHWISE) {
    const x = tf.randomNormal([batch, hw, hw, c]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, c, 1]) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, w, s, 1);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const attrs = { strides: s, pad: 1, dilations: 1 };
    const fwd = time(() => tf.depthwiseConv2d(x, w, s, 1));
    const dx = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor);
    const dw = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor);
    [fwd, dx, dw].forEach((v, j) => (dsums[j] += v));
    process.stdout.write(`${name.padEnd(18)} ${fwd.toFixed(0).padStart(8)} ${dx.toFixed(0).padStart(8)} ${dw.toFixed(0).padStart(8)}\n`);
    tf.dispose([x, w, y, dy]);
  }
  process.stdout.write(`${'sum'.padEnd(18)} ${dsums.map((v) => v.toFixed(0).padStart(8)).join(' ')}\n`);
}

/** [name, input HxW, channels, stride] of mobilenet_v2's 3x3 depthwise convs at 128 px (one per stage). */
const DEPTHWISE: [string, number, number, number][] = [
  ['f1 32ch', 64, 32, 1],
  ['f2 96ch /2', 64, 96, 2],
  ['f3 144ch', 32, 144, 1],
  ['f4 144ch /2', 32, 144, 2],
  ['f6 192ch', 16, 192, 1],
  ['f7 192ch /2', 16, 192, 2],
  ['f10 384ch', 8, 384, 1],
  ['f14 576ch /2', 8, 576, 2],
  ['f16 960ch', 4, 960, 1],
];

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = 1;
});
