import * as tf from '@tensorflow/tfjs';
import { IMAGENET_INPUT, dropoutOnlySchema, backbones, type BackboneOptions } from './backbone-registry';
import { makeDivisible } from './nn/channels';
import {
  Activation,
  Dropout,
  Linear,
  SqueezeExcitation,
  convNormAct,
  globalAvgPool,
  type ActivationName,
  type BatchNorm2dArgs,
  type BuildContext,
} from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

// torchvision's mobilenetv3.py: a table of bneck configs per variant, hardswish / ReLU, SE gated by hardsigmoid,
// BatchNorm eps 1e-3 momentum 0.01.

const BN: BatchNorm2dArgs = { eps: 0.001, momentum: 0.01 };

/** (in, kernel, expanded, out, SE, activation, stride) as in torchvision's `bneck_conf`. */
type Bneck = readonly [number, number, number, number, boolean, 'RE' | 'HS', number];

const LARGE: readonly Bneck[] = [
  [16, 3, 16, 16, false, 'RE', 1],
  [16, 3, 64, 24, false, 'RE', 2],
  [24, 3, 72, 24, false, 'RE', 1],
  [24, 5, 72, 40, true, 'RE', 2],
  [40, 5, 120, 40, true, 'RE', 1],
  [40, 5, 120, 40, true, 'RE', 1],
  [40, 3, 240, 80, false, 'HS', 2],
  [80, 3, 200, 80, false, 'HS', 1],
  [80, 3, 184, 80, false, 'HS', 1],
  [80, 3, 184, 80, false, 'HS', 1],
  [80, 3, 480, 112, true, 'HS', 1],
  [112, 3, 672, 112, true, 'HS', 1],
  [112, 5, 672, 160, true, 'HS', 2],
  [160, 5, 960, 160, true, 'HS', 1],
  [160, 5, 960, 160, true, 'HS', 1],
];

const SMALL: readonly Bneck[] = [
  [16, 3, 16, 16, true, 'RE', 2],
  [16, 3, 72, 24, false, 'RE', 2],
  [24, 3, 88, 24, false, 'RE', 1],
  [24, 5, 96, 40, true, 'HS', 2],
  [40, 5, 240, 40, true, 'HS', 1],
  [40, 5, 240, 40, true, 'HS', 1],
  [40, 5, 120, 48, true, 'HS', 1],
  [48, 5, 144, 48, true, 'HS', 1],
  [48, 5, 288, 96, true, 'HS', 2],
  [96, 5, 576, 96, true, 'HS', 1],
  [96, 5, 576, 96, true, 'HS', 1],
];

class InvertedResidual extends Module {
  private readonly block: Sequential;
  private readonly residual: boolean;

  constructor(ctx: BuildContext, [inC, kernel, expC, outC, se, act, stride]: Bneck) {
    super();
    const a: ActivationName = act === 'HS' ? 'hardswish' : 'relu';
    this.residual = stride === 1 && inC === outC;
    const layers: Module[] = [];
    if (expC !== inC) layers.push(convNormAct(ctx, inC, expC, 1, { act: a, bn: BN }));
    layers.push(convNormAct(ctx, expC, expC, kernel, { stride, groups: expC, act: a, bn: BN }));
    if (se) layers.push(new SqueezeExcitation(ctx, expC, makeDivisible(Math.floor(expC / 4), 8), 'relu', 'hardsigmoid'));
    layers.push(convNormAct(ctx, expC, outC, 1, { act: null, bn: BN }));
    this.block = this.addChild('block', new Sequential(layers));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const y = this.block.forward(x, ctx);
    return this.residual ? tf.add(y, x) : y;
  }
}

class MobileNetV3 extends Module {
  private readonly features: Sequential;
  private readonly classifier: Sequential;

  constructor(ctx: BuildContext, setting: readonly Bneck[], lastChannel: number, numClasses: number, options: BackboneOptions) {
    super();
    const features: Module[] = [convNormAct(ctx, 3, setting[0][0], 3, { stride: 2, act: 'hardswish', bn: BN })];
    for (const cnf of setting) features.push(new InvertedResidual(ctx, cnf));
    const lastIn = setting[setting.length - 1][3];
    const lastOut = 6 * lastIn;
    features.push(convNormAct(ctx, lastIn, lastOut, 1, { act: 'hardswish', bn: BN }));
    this.features = this.addChild('features', new Sequential(features));
    this.classifier = this.addChild(
      'classifier',
      new Sequential([
        new Linear(ctx, lastOut, lastChannel, 'normal_0.01'),
        new Activation('hardswish'),
        new Dropout(options.dropout),
        new Linear(ctx, lastChannel, numClasses, 'normal_0.01'),
      ]),
    );
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.classifier.forward(globalAvgPool(this.features.forward(x, ctx)), ctx);
  }
}

for (const [name, setting, last] of [
  ['mobilenet_v3_large', LARGE, 1280],
  ['mobilenet_v3_small', SMALL, 1024],
] as const) {
  backbones.register({
    name,
    description: `torchvision ${name} (hardswish, squeeze-excitation with hardsigmoid)`,
    options: dropoutOnlySchema(0.2),
    input: IMAGENET_INPUT,
    minSize: 32,
    counterpart: { library: 'torchvision', name },
    headKeys: ['classifier.3.weight', 'classifier.3.bias'],
    build: (ctx, numClasses, options) => new MobileNetV3(ctx, setting, makeDivisible(last, 8), numClasses, options),
  });
}
