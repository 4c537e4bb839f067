import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '@dfl/core';
import { batchNormTraining, fusedBatchNormActivationTraining } from '../../engine/batch-norm-training';
import { kaimingNormalFanOut, normalInit, uniformInit } from './init';
import { Module, Sequential, type ForwardContext } from './module';
import { backendHas, FUSED_CONV2D_SILU_KERNEL, FUSED_DEPTHWISE_CONV2D_SILU_KERNEL, silu } from './silu';

/** What a layer needs while it is being built: the seeded generator its initial weights come from. */
export interface BuildContext {
  /** null: structure only (zeros), to count parameters or check shapes without drawing millions of numbers. */
  readonly rng: SeededRandom | null;
}

export interface Conv2dArgs {
  /** Default 1. */
  stride?: number;
  /** Symmetric zero padding on each side, as PyTorch's `padding=`. Default (k - 1) / 2 * dilation (torchvision). */
  padding?: number;
  /** 1 (dense) or in_channels (depthwise); other groupings are not used by the zoo. Default 1. */
  groups?: number;
  /** Default false (every conv followed by BatchNorm in the zoo). */
  bias?: boolean;
  /** Default 1. */
  dilation?: number;
}

/**
 * `nn.Conv2d` with explicit symmetric padding: tfjs 'same' pads stride-2 convs asymmetrically (more at the end)
 * where PyTorch pads both sides, which would shift every feature map by one pixel.
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  private readonly stride: number;
  private readonly padding: number;
  private readonly dilation: number;
  private readonly depthwise: boolean;

  constructor(ctx: BuildContext, inChannels: number, outChannels: number, kernel: number, args: Conv2dArgs = {}) {
    super();
    const groups = args.groups ?? 1;
    this.stride = args.stride ?? 1;
    this.dilation = args.dilation ?? 1;
    this.padding = args.padding ?? Math.floor((kernel - 1) / 2) * this.dilation;
    this.depthwise = groups > 1;
    if (this.depthwise && !(groups === inChannels && groups === outChannels)) {
      throw new Error(`Conv2d: only dense or depthwise convolutions are supported (groups=${groups}, in=${inChannels}, out=${outChannels})`);
    }
    // PyTorch's fan_out is weight.size(0) * kh * kw: out_channels * k * k for dense and depthwise alike.
    const fanOut = outChannels * kernel * kernel;
    const shape = this.depthwise ? [kernel, kernel, inChannels, 1] : [kernel, kernel, inChannels, outChannels];
    this.weight = this.addParam('weight', kaimingNormalFanOut(ctx.rng, shape, fanOut), this.depthwise ? 'depthwise' : 'conv');
    this.bias = args.bias ? this.addParam('bias', tf.zeros([outChannels]), 'vector') : null;
  }

  /** The filter and bias of this convolution followed by an affine map per output channel (a folded BatchNorm). */
  foldAffine(scale: tf.Tensor1D, shift: tf.Tensor1D): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
    return tf.tidy(() => ({
      filter: tf.mul(this.weight, this.depthwise ? tf.reshape(scale, [1, 1, -1, 1]) : scale) as tf.Tensor4D,
      bias: (this.bias ? tf.add(shift, tf.mul(this.bias, scale)) : shift) as tf.Tensor1D,
    }));
  }

  /**
   * Convolution with the given (folded) filter and bias; ReLU / ReLU6 fused into the kernel where it has one, and
   * SiLU where the backend has our own fused kernel for it (`native`: oneDNN's swish post-op).
   */
  forwardWith(x: tf.Tensor, filter: tf.Tensor4D, bias: tf.Tensor1D, act: ActivationName | null): tf.Tensor {
    const x4 = x as tf.Tensor4D;
    const siluKernel = this.depthwise ? FUSED_DEPTHWISE_CONV2D_SILU_KERNEL : FUSED_CONV2D_SILU_KERNEL;
    if (act === 'silu' && x.dtype === 'float32' && backendHas(siluKernel)) {
      const attrs = { strides: this.stride, pad: this.padding, dataFormat: 'NHWC', dilations: this.dilation, activation: 'silu' };
      return tf.engine().runKernel(siluKernel, { x: x4, filter, bias }, attrs) as tf.Tensor;
    }
    const fusable = act === 'relu' || act === 'relu6' ? act : act === null || act === 'identity' ? 'linear' : null;
    const kernel = this.depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D';
    if (tf.getKernel(kernel, tf.getBackend()) === undefined) {
      const y = this.depthwise
        ? tf.depthwiseConv2d(x4, filter, this.stride, this.padding, 'NHWC', this.dilation)
        : tf.conv2d(x4, filter, this.stride, this.padding, 'NHWC', this.dilation);
      const biased = tf.add(y, bias);
      return act ? activate(biased, act) : biased;
    }
    const args = {
      x: x4,
      filter,
      strides: this.stride,
      pad: this.padding,
      dataFormat: 'NHWC' as const,
      dilations: this.dilation,
      bias,
      activation: fusable ?? ('linear' as const),
    };
    const y = this.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
    return fusable === null && act ? activate(y, act) : y;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const x4 = x as tf.Tensor4D;
    const y = this.depthwise
      ? tf.depthwiseConv2d(x4, this.weight as tf.Tensor4D, this.stride, this.padding, 'NHWC', this.dilation)
      : tf.conv2d(x4, this.weight as tf.Tensor4D, this.stride, this.padding, 'NHWC', this.dilation);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

export interface BatchNorm2dArgs {
  /** Default 1e-5 (PyTorch). */
  eps?: number;
  /** PyTorch convention: weight of the new batch statistic. Default 0.1. */
  momentum?: number;
}

/**
 * `nn.BatchNorm2d`: batch statistics in training (running mean / unbiased variance updated with PyTorch's
 * momentum), running statistics in inference. The running statistics are buffers, not trainable parameters.
 */
export class BatchNorm2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  private readonly eps: number;
  private readonly momentum: number;

  constructor(channels: number, args: BatchNorm2dArgs = {}) {
    super();
    this.eps = args.eps ?? 1e-5;
    this.momentum = args.momentum ?? 0.1;
    this.weight = this.addParam('weight', tf.ones([channels]), 'vector');
    this.bias = this.addParam('bias', tf.zeros([channels]), 'vector');
    this.runningMean = this.addParam('running_mean', tf.zeros([channels]), 'vector', false);
    this.runningVar = this.addParam('running_var', tf.ones([channels]), 'vector', false);
  }

  /** Inference BatchNorm as an affine map per channel: y = x * scale + shift. */
  foldedScaleShift(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.eps))) as tf.Tensor1D;
    const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale)) as tf.Tensor1D;
    return { scale, shift };
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.forwardActivated(x, ctx, null);
  }

  /**
   * `act(forward(x))`. In training on the `native` engine, ReLU, ReLU6 and SiLU run inside BatchNorm's own passes
   * (forward and gradient); elsewhere, and in inference, BatchNorm then the activation as separate ops.
   */
  forwardActivated(x: tf.Tensor, ctx: ForwardContext, act: ActivationName | null): tf.Tensor {
    if (!ctx.training) {
      const y = tf.batchNorm(x, this.runningMean, this.runningVar, this.bias, this.weight, this.eps);
      return act ? activate(y, act) : y;
    }
    const gamma = this.weight as tf.Tensor1D;
    const beta = this.bias as tf.Tensor1D;
    const fusable = act === 'relu' || act === 'relu6' || act === 'silu' ? act : null;
    const fused = fusable ? fusedBatchNormActivationTraining(x, gamma, beta, this.eps, fusable) : undefined;
    // One differentiable op with a cheap hand-written gradient (the engine's), instead of differentiating tf.moments.
    const { y, mean, variance } = fused ?? batchNormTraining(x, gamma, beta, this.eps);
    this.updateRunningStatistics(x, mean, variance);
    return fused || !act ? y : activate(y, act);
  }

  private updateRunningStatistics(x: tf.Tensor, mean: tf.Tensor1D, variance: tf.Tensor1D): void {
    const n = x.size / x.shape[x.rank - 1];
    const m = this.momentum;
    // The running-statistics update is state, not part of the loss: no gradient flows back through it.
    const [newMean, newVar] = tf.tidy(() => {
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      return [
        tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)),
        tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)),
      ];
    });
    this.runningMean.assign(newMean);
    this.runningVar.assign(newVar);
    newMean.dispose();
    newVar.dispose();
  }
}

export type LinearInit = 'torch_default' | 'uniform_fan_out' | 'normal_0.01';

/**
 * `nn.Linear`; weight stored [in, out]. `init` follows the model family: PyTorch's default (U(±1/√in) for weight
 * and bias; resnet, xception), EfficientNet's U(±1/√out) with zero bias, MobileNet's N(0, 0.01) with zero bias.
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(ctx: BuildContext, inFeatures: number, outFeatures: number, init: LinearInit = 'torch_default') {
    super();
    const shape = [inFeatures, outFeatures];
    let w: tf.Tensor;
    let b: tf.Tensor;
    if (init === 'torch_default') {
      const bound = 1 / Math.sqrt(inFeatures);
      w = uniformInit(ctx.rng, shape, bound);
      b = uniformInit(ctx.rng, [outFeatures], bound);
    } else if (init === 'uniform_fan_out') {
      w = uniformInit(ctx.rng, shape, 1 / Math.sqrt(outFeatures));
      b = tf.zeros([outFeatures]);
    } else {
      w = normalInit(ctx.rng, shape, 0.01);
      b = tf.zeros([outFeatures]);
    }
    this.weight = this.addParam('weight', w, 'linear');
    this.bias = this.addParam('bias', b, 'vector');
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D), this.bias);
  }
}

export type ActivationName = 'relu' | 'relu6' | 'silu' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'identity';

/** PyTorch's definitions: hardsigmoid is relu6(x + 3) / 6 (not Keras' 0.2x + 0.5), hardswish is x * hardsigmoid(x). */
export function activate(x: tf.Tensor, name: ActivationName): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'silu':
      return silu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'hardsigmoid':
      return tf.div(tf.relu6(tf.add(x, 3)), 6);
    case 'hardswish':
      return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
    case 'identity':
      return x;
  }
}

export class Activation extends Module {
  constructor(readonly kind: ActivationName) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return activate(x, this.kind);
  }
}

/** `nn.Dropout`: inverted dropout in training, identity in inference. */
export class Dropout extends Module {
  constructor(readonly rate: number) {
    super();
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (!ctx.training || this.rate <= 0) return x;
    return tf.dropout(x, this.rate, undefined, ctx.nextSeed());
  }
}

/**
 * Stochastic depth, per sample (torchvision's `StochasticDepth(p, 'row')`, timm's `DropPath`): in training each
 * sample's residual branch is dropped with probability `rate` and the kept ones scaled by 1 / (1 - rate).
 */
export class DropPath extends Module {
  constructor(readonly rate: number) {
    super();
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (!ctx.training || this.rate <= 0) return x;
    const keep = 1 - this.rate;
    const maskShape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
    const mask = tf.floor(tf.add(tf.randomUniform(maskShape, 0, 1, 'float32', ctx.nextSeed()), keep));
    return tf.mul(x, tf.div(mask, keep));
  }
}

/** `nn.MaxPool2d(kernel, stride, padding)`: padded cells never win (PyTorch pads with -inf). */
export class MaxPool2d extends Module {
  constructor(
    readonly kernel: number,
    readonly stride: number,
    readonly padding: number,
  ) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.maxPool(x as tf.Tensor4D, this.kernel, this.stride, this.padding);
  }
}

/** `nn.AdaptiveAvgPool2d(1)` + `flatten(1)`: [N, H, W, C] -> [N, C]. */
export function globalAvgPool(x: tf.Tensor): tf.Tensor {
  return tf.mean(x, [1, 2]);
}

/**
 * conv -> BatchNorm -> activation; in training on `native`, ReLU / ReLU6 / SiLU run inside BatchNorm's kernels
 * (BatchNorm2d.forwardActivated). With `ctx.folded` (BackboneModel.inference) the BatchNorm is folded into the
 * convolution once (filter * s, shift - mean * s with s = gamma / sqrt(var + eps)) and ReLU / ReLU6 (SiLU on
 * `native`) fused into the kernel: one op instead of three, and a filter that stays the same tensor across calls
 * (XNNPACK packs it once).
 */
export function convBnAct(conv: Conv2d, bn: BatchNorm2d, x: tf.Tensor, ctx: ForwardContext, act: ActivationName | null): tf.Tensor {
  if (ctx.training || !ctx.folded) return bn.forwardActivated(conv.forward(x), ctx, act);
  let entry = ctx.folded.get(conv);
  if (!entry) {
    const folded = tf.tidy(() => {
      const { scale, shift } = bn.foldedScaleShift();
      return conv.foldAffine(scale, shift);
    });
    entry = { filter: tf.keep(folded.filter), bias: tf.keep(folded.bias) };
    ctx.folded.set(conv, entry);
  }
  return conv.forwardWith(x, entry.filter, entry.bias, act);
}

/** torchvision's `Conv2dNormActivation`: a Sequential of conv (0), BatchNorm (1) and the activation (2, when any). */
export class ConvBnAct extends Sequential {
  constructor(
    private readonly conv: Conv2d,
    private readonly bn: BatchNorm2d,
    private readonly act: ActivationName | null = null,
  ) {
    super(act ? [conv, bn, new Activation(act)] : [conv, bn]);
  }

  override forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return convBnAct(this.conv, this.bn, x, ctx, this.act);
  }
}

export function convNormAct(
  ctx: BuildContext,
  inChannels: number,
  outChannels: number,
  kernel: number,
  opts: { stride?: number; groups?: number; act: ActivationName | null; bn?: BatchNorm2dArgs },
): ConvBnAct {
  return new ConvBnAct(
    new Conv2d(ctx, inChannels, outChannels, kernel, { stride: opts.stride, groups: opts.groups }),
    new BatchNorm2d(outChannels, opts.bn),
    opts.act,
  );
}

/**
 * torchvision's `SqueezeExcitation`: global average pool, 1x1 conv `fc1`, activation, 1x1 conv `fc2`, gate;
 * the input is scaled channel-wise by the gate.
 */
export class SqueezeExcitation extends Module {
  private readonly fc1: Conv2d;
  private readonly fc2: Conv2d;

  constructor(
    ctx: BuildContext,
    channels: number,
    squeezeChannels: number,
    private readonly act: ActivationName,
    private readonly gate: ActivationName,
  ) {
    super();
    this.fc1 = this.addChild('fc1', new Conv2d(ctx, channels, squeezeChannels, 1, { bias: true }));
    this.fc2 = this.addChild('fc2', new Conv2d(ctx, squeezeChannels, channels, 1, { bias: true }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const pooled = tf.mean(x, [1, 2], true);
    const scale = activate(this.fc2.forward(activate(this.fc1.forward(pooled), this.act)), this.gate);
    return tf.mul(x, scale);
  }
}
