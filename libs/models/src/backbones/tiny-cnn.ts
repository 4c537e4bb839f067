import * as tf from '@tensorflow/tfjs';
import { IMAGENET_INPUT, dropoutOnlySchema, backbones, type BackboneOptions } from './backbone-registry';
import { Dropout, Linear, MaxPool2d, convNormAct, globalAvgPool, type BuildContext } from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

/**
 * A three-stage conv net (~24k parameters) for tests and the demo: trains in seconds at 64 px on the CPU.
 * No PyTorch counterpart.
 */
class TinyCnn extends Module {
  private readonly features: Sequential;
  private readonly dropout: Dropout;
  private readonly fc: Linear;

  constructor(ctx: BuildContext, numClasses: number, options: BackboneOptions) {
    super();
    const widths = [16, 32, 64];
    const layers = [];
    let inC = 3;
    for (const [i, w] of widths.entries()) {
      layers.push(convNormAct(ctx, inC, w, 3, { act: 'relu' }));
      if (i < widths.length - 1) layers.push(new MaxPool2d(2, 2, 0));
      inC = w;
    }
    this.features = this.addChild('features', new Sequential(layers));
    this.dropout = new Dropout(options.dropout);
    this.fc = this.addChild('fc', new Linear(ctx, inC, numClasses));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.fc.forward(this.dropout.forward(globalAvgPool(this.features.forward(x, ctx)), ctx));
  }
}

backbones.register({
  name: 'tiny_cnn',
  description: 'three conv-BN-ReLU stages, ~24k params: for tests and the demo (64 px, trains fast on CPU)',
  options: dropoutOnlySchema(0),
  input: { ...IMAGENET_INPUT, size: 64 },
  minSize: 4,
  counterpart: null,
  headKeys: ['fc.weight', 'fc.bias'],
  build: (ctx, numClasses, options) => new TinyCnn(ctx, numClasses, options),
});
