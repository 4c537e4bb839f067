import * as tf from '@tensorflow/tfjs';
import { nativeKernelStats, resetNativeKernelStats } from '../backend';
import { compareBackends, describeNative, randomInput, TOLERANCE } from '../testing/compare';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];
type Case = { x: Shape4; f: Shape4; strides: number | [number, number]; pad: Pad; dilations?: number | [number, number] };

// f = [kh, kw, inChannels, multiplier]
const cases: Case[] = [
  { x: [2, 9, 9, 8], f: [3, 3, 8, 1], strides: 1, pad: 'same' },
  { x: [2, 9, 9, 8], f: [3, 3, 8, 1], strides: 2, pad: 'same' },
  { x: [1, 11, 8, 3], f: [5, 5, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 7, 10, 4], f: [3, 2, 4, 3], strides: [1, 2], pad: 'valid' },
  { x: [2, 8, 9, 5], f: [3, 3, 5, 1], strides: 1, pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { x: [1, 13, 13, 32], f: [3, 3, 32, 1], strides: 2, pad: 1 },
  // multiplier 1 and 1x1, 5x5, 7x7: native/depthwise.cc's filter gradient (16-channel vectors, leftover channels
  // one by one)
  { x: [2, 12, 12, 32], f: [5, 5, 32, 1], strides: 1, pad: 'same' },
  { x: [2, 12, 11, 48], f: [5, 5, 48, 1], strides: 2, pad: 2 },
  { x: [3, 9, 9, 20], f: [5, 5, 20, 1], strides: 1, pad: 'same' },
  { x: [1, 16, 16, 16], f: [7, 7, 16, 1], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 17], f: [1, 1, 17, 1], strides: 1, pad: 'valid' },
  { x: [32, 16, 16, 32], f: [5, 5, 32, 1], strides: 1, pad: 2 },
];

const dilated: Case[] = [
  { x: [2, 11, 10, 4], f: [3, 3, 4, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 9, 3], f: [3, 2, 3, 1], strides: 1, pad: 'valid', dilations: [2, 3] },
  { x: [2, 11, 10, 16], f: [5, 5, 16, 1], strides: 1, pad: 'same', dilations: 2 },
];

const name = (c: Case) => `x ${c.x} filter ${c.f} strides ${c.strides} pad ${JSON.stringify(c.pad)} dil ${c.dilations ?? 1}`;
const outShape = (c: Case) =>
  tf.tidy(() => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1).shape);

describeNative('native depthwise convolutions match the cpu backend', () => {
  it.each([...cases, ...dilated].map((c) => [name(c), c] as const))('forward: %s', (_n, c) => {
    const err = compareBackends([randomInput(c.x), randomInput(c.f)], (x, f) =>
      tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it.each(cases.map((c) => [name(c), c] as const))('gradients dx and dfilter: %s', (_n, c) => {
    const err = compareBackends([randomInput(c.x), randomInput(c.f), randomInput(outShape(c))], (x, f, dy) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([x, f], dy));
    expect(err).toBeLessThan(TOLERANCE);
  });

  // tfjs' depthwise gradient refuses dilation > 1 and its cpu backprop kernels ignore it, so the dilated
  // backprops are checked as adjoints of the (cpu-checked) forward: <dy, conv(x, f)> = <dx(dy), x> = <df(dy), f>.
  it.each(dilated.map((c) => [name(c), c] as const))('backprop kernels with dilation are adjoints: %s', (_n, c) => {
    const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations, dimRoundingMode: undefined };
    tf.setBackend('native');
    const [forward, viaInput, viaFilter] = tf.tidy(() => {
      const [x, f, dy] = [randomInput(c.x), randomInput(c.f), randomInput(outShape(c))].map((i) => tf.tensor(i.values, i.shape));
      const y = tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
      const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: f }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const df = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape: c.f } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [tf.sum(tf.mul(dy, y)), tf.sum(tf.mul(dx, x)), tf.sum(tf.mul(df, f))].map((t) => t.dataSync()[0]);
    });
    tf.setBackend('cpu');
    expect(Math.abs(viaInput - forward)).toBeLessThan(1e-4 * Math.max(1, Math.abs(forward)));
    expect(Math.abs(viaFilter - forward)).toBeLessThan(1e-4 * Math.max(1, Math.abs(forward)));
  });

  it.each((['relu', 'relu6', 'linear', 'prelu'] as const).map((a) => [a]))('fused depthwise with bias and %s', (activation) => {
    const c = cases[2];
    const channels = c.f[2] * c.f[3];
    const err = compareBackends(
      [randomInput(c.x, 3), randomInput(c.f), randomInput([channels]), randomInput([channels])],
      (x, f, bias, alpha) =>
        tf.fused.depthwiseConv2d({
          x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad as 'same', bias, activation,
          preluActivationWeights: activation === 'prelu' ? alpha : undefined,
        }));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('runs on oneDNN (grouped convolution)', () => {
    resetNativeKernelStats();
    const c = cases[2];
    compareBackends([randomInput(c.x), randomInput(c.f), randomInput(outShape(c))], (x, f, dy) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([x, f], dy));
    const stats = nativeKernelStats();
    expect(stats.convBackwardData?.calls).toBe(1);
    expect(stats.convBackwardWeights?.calls).toBe(1);
  });

  it('takes the filter gradient of multiplier 1 in its own kernel, 3x3 and other filter sizes on oneDNN', () => {
    const run = (c: Case) =>
      compareBackends([randomInput(c.x), randomInput(c.f), randomInput(outShape(c))], (x, f, dy) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad))([x, f], dy));
    resetNativeKernelStats();
    run(cases[7]);
    expect(nativeKernelStats().depthwiseBackwardWeights?.calls).toBe(1);
    expect(nativeKernelStats().convBackwardWeights).toBeUndefined();
    resetNativeKernelStats();
    run({ x: [2, 7, 10, 16], f: [3, 2, 16, 1], strides: 1, pad: 'same' });
    expect(nativeKernelStats().convBackwardWeights?.calls).toBe(1);
    resetNativeKernelStats();
    run({ x: [2, 7, 10, 16], f: [3, 3, 16, 1], strides: 1, pad: 'same' });
    expect(nativeKernelStats().convBackwardWeights?.calls).toBe(1);
  });
});
