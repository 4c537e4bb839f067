import * as tf from '@tensorflow/tfjs';
import { backboneOptionsSchema, backbones, type BackboneOptions, type InputConfig } from './backbone-registry';
import { makeDivisible } from './nn/channels';
import {
  DropPath,
  Dropout,
  Linear,
  SqueezeExcitation,
  convNormAct,
  globalAvgPool,
  type BuildContext,
} from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

// torchvision's efficientnet.py (V1): one table of MBConv stages, decoded with width / depth multipliers, so b0..b4
// differ only in four numbers. BatchNorm is PyTorch's default (eps 1e-5, momentum 0.1) for b0..b4 in torchvision.

/** One stage of the EfficientNet table: expand ratio, kernel, stride, in / out channels, repeats (before scaling). */
interface StageSpec {
  readonly expand: number;
  readonly kernel: number;
  readonly stride: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly layers: number;
}

const B0_STAGES: readonly StageSpec[] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
].map(([expand, kernel, stride, inChannels, outChannels, layers]) => ({ expand, kernel, stride, inChannels, outChannels, layers }));

interface MBConvArgs {
  inChannels: number;
  outChannels: number;
  expand: number;
  kernel: number;
  stride: number;
  dropPath: number;
}

/** Inverted residual with squeeze-excitation: [expand 1x1], depthwise kxk, SE, project 1x1; residual when shapes match. */
class MBConv extends Module {
  private readonly block: Sequential;
  private readonly dropPath: DropPath;
  private readonly residual: boolean;

  constructor(ctx: BuildContext, a: MBConvArgs) {
    super();
    this.residual = a.stride === 1 && a.inChannels === a.outChannels;
    const expanded = makeDivisible(a.inChannels * a.expand, 8);
    const layers: Module[] = [];
    if (expanded !== a.inChannels) layers.push(convNormAct(ctx, a.inChannels, expanded, 1, { act: 'silu' }));
    layers.push(convNormAct(ctx, expanded, expanded, a.kernel, { stride: a.stride, groups: expanded, act: 'silu' }));
    layers.push(new SqueezeExcitation(ctx, expanded, Math.max(1, Math.floor(a.inChannels / 4)), 'silu', 'sigmoid'));
    layers.push(convNormAct(ctx, expanded, a.outChannels, 1, { act: null }));
    this.block = this.addChild('block', new Sequential(layers));
    this.dropPath = new DropPath(a.dropPath);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const y = this.block.forward(x, ctx);
    return this.residual ? tf.add(this.dropPath.forward(y, ctx), x) : y;
  }
}

interface EfficientNetDef {
  readonly width: number;
  readonly depth: number;
  readonly dropout: number;
  readonly input: InputConfig;
}

class EfficientNet extends Module {
  private readonly features: Sequential;
  private readonly classifier: Sequential;

  constructor(ctx: BuildContext, def: EfficientNetDef, numClasses: number, options: BackboneOptions) {
    super();
    const stages = B0_STAGES.map((s) => ({
      ...s,
      inChannels: makeDivisible(s.inChannels * def.width, 8),
      outChannels: makeDivisible(s.outChannels * def.width, 8),
      layers: Math.ceil(s.layers * def.depth),
    }));
    const total = stages.reduce((n, s) => n + s.layers, 0);
    const features: Module[] = [convNormAct(ctx, 3, stages[0].inChannels, 3, { stride: 2, act: 'silu' })];
    let blockId = 0;
    for (const s of stages) {
      const blocks: Module[] = [];
      for (let i = 0; i < s.layers; i++) {
        blocks.push(
          new MBConv(ctx, {
            inChannels: i === 0 ? s.inChannels : s.outChannels,
            outChannels: s.outChannels,
            expand: s.expand,
            kernel: s.kernel,
            stride: i === 0 ? s.stride : 1,
            // torchvision: the rate grows linearly with the block index, from 0 for the first block.
            dropPath: ((options.drop_path ?? 0) * blockId) / total,
          }),
        );
        blockId++;
      }
      features.push(new Sequential(blocks));
    }
    const lastIn = stages[stages.length - 1].outChannels;
    const lastOut = 4 * lastIn;
    features.push(convNormAct(ctx, lastIn, lastOut, 1, { act: 'silu' }));
    this.features = this.addChild('features', new Sequential(features));
    this.classifier = this.addChild(
      'classifier',
      new Sequential([new Dropout(options.dropout), new Linear(ctx, lastOut, numClasses, 'uniform_fan_out')]),
    );
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.classifier.forward(globalAvgPool(this.features.forward(x, ctx)), ctx);
  }
}

const bicubic = (size: number): InputConfig => ({
  size,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  interpolation: 'bicubic',
});

// torchvision's efficientnet_b0..b4: (width, depth, dropout) and the eval crop of its ImageNet weights.
const VARIANTS: Record<string, EfficientNetDef> = {
  efficientnet_b0: { width: 1.0, depth: 1.0, dropout: 0.2, input: bicubic(224) },
  efficientnet_b1: { width: 1.0, depth: 1.1, dropout: 0.2, input: bicubic(240) },
  efficientnet_b2: { width: 1.1, depth: 1.2, dropout: 0.3, input: bicubic(288) },
  efficientnet_b3: { width: 1.2, depth: 1.4, dropout: 0.3, input: bicubic(300) },
  efficientnet_b4: { width: 1.4, depth: 1.8, dropout: 0.4, input: bicubic(380) },
};

for (const [name, def] of Object.entries(VARIANTS)) {
  backbones.register({
    name,
    description: `torchvision ${name} (width x${def.width}, depth x${def.depth}, SiLU, squeeze-excitation)`,
    options: backboneOptionsSchema({ dropout: def.dropout, drop_path: 0.2 }),
    input: def.input,
    minSize: 32,
    counterpart: { library: 'torchvision', name },
    headKeys: ['classifier.1.weight', 'classifier.1.bias'],
    build: (ctx, numClasses, options) => new EfficientNet(ctx, def, numClasses, options),
  });
}

