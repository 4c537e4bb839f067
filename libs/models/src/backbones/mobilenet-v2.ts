import * as tf from '@tensorflow/tfjs';
import { IMAGENET_INPUT, dropoutOnlySchema, backbones, type BackboneOptions } from './backbone-registry';
import { makeDivisible } from './nn/channels';
import { BatchNorm2d, Conv2d, Dropout, Linear, convBnAct, convNormAct, globalAvgPool, type BuildContext } from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

// torchvision's mobilenetv2.py: the (t, c, n, s) table decoded into inverted residual blocks, ReLU6, BatchNorm defaults.

const SETTING: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

class InvertedResidual extends Module {
  private readonly stages: Module[];
  private readonly project: Conv2d;
  private readonly projectBn: BatchNorm2d;
  private readonly residual: boolean;

  constructor(ctx: BuildContext, inp: number, oup: number, stride: number, expand: number) {
    super();
    const hidden = Math.round(inp * expand);
    this.residual = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expand !== 1) layers.push(convNormAct(ctx, inp, hidden, 1, { act: 'relu6' }));
    layers.push(convNormAct(ctx, hidden, hidden, 3, { stride, groups: hidden, act: 'relu6' }));
    this.stages = [...layers];
    this.project = new Conv2d(ctx, hidden, oup, 1, { padding: 0 });
    this.projectBn = new BatchNorm2d(oup);
    // torchvision's names: conv.<i> for the conv-BN-ReLU6 stages, then the projection conv and its BatchNorm.
    this.addChild('conv', new Sequential([...layers, this.project, this.projectBn]));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = x;
    for (const stage of this.stages) y = stage.forward(y, ctx);
    y = convBnAct(this.project, this.projectBn, y, ctx, null);
    return this.residual ? tf.add(x, y) : y;
  }
}

class MobileNetV2 extends Module {
  private readonly features: Sequential;
  private readonly classifier: Sequential;

  constructor(ctx: BuildContext, numClasses: number, options: BackboneOptions) {
    super();
    let inC = makeDivisible(32, 8);
    const lastC = makeDivisible(1280, 8);
    const features: Module[] = [convNormAct(ctx, 3, inC, 3, { stride: 2, act: 'relu6' })];
    for (const [t, c, n, s] of SETTING) {
      const outC = makeDivisible(c, 8);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(ctx, inC, outC, i === 0 ? s : 1, t));
        inC = outC;
      }
    }
    features.push(convNormAct(ctx, inC, lastC, 1, { act: 'relu6' }));
    this.features = this.addChild('features', new Sequential(features));
    this.classifier = this.addChild(
      'classifier',
      new Sequential([new Dropout(options.dropout), new Linear(ctx, lastC, numClasses, 'normal_0.01')]),
    );
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.classifier.forward(globalAvgPool(this.features.forward(x, ctx)), ctx);
  }
}

backbones.register({
  name: 'mobilenet_v2',
  description: 'torchvision mobilenet_v2 (inverted residuals, ReLU6)',
  options: dropoutOnlySchema(0.2),
  input: IMAGENET_INPUT,
  minSize: 32,
  counterpart: { library: 'torchvision', name: 'mobilenet_v2' },
  headKeys: ['classifier.1.weight', 'classifier.1.bias'],
  build: (ctx, numClasses, options) => new MobileNetV2(ctx, numClasses, options),
});
