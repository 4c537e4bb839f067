import * as tf from '@tensorflow/tfjs';
import { IMAGENET_INPUT, backboneOptionsSchema, backbones, type BackboneOptions } from './backbone-registry';
import { BatchNorm2d, Conv2d, ConvBnAct, DropPath, Dropout, Linear, MaxPool2d, convBnAct, globalAvgPool, type BuildContext } from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

// torchvision's resnet.py: BasicBlock / Bottleneck (v1.5, stride on the 3x3), stage builder, network, variants.
// `drop_path` is timm's addition (stochastic depth on the residual branch); 0 gives torchvision's network.

interface BlockArgs {
  inplanes: number;
  planes: number;
  stride: number;
  dropPath: number;
}

function downsample(ctx: BuildContext, inC: number, outC: number, stride: number): ConvBnAct | null {
  if (stride === 1 && inC === outC) return null;
  return new ConvBnAct(new Conv2d(ctx, inC, outC, 1, { stride, padding: 0 }), new BatchNorm2d(outC));
}

class BasicBlock extends Module {
  static readonly expansion = 1;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly downsample: ConvBnAct | null;
  private readonly dropPath: DropPath;

  constructor(ctx: BuildContext, a: BlockArgs) {
    super();
    this.conv1 = this.addChild('conv1', new Conv2d(ctx, a.inplanes, a.planes, 3, { stride: a.stride }));
    this.bn1 = this.addChild('bn1', new BatchNorm2d(a.planes));
    this.conv2 = this.addChild('conv2', new Conv2d(ctx, a.planes, a.planes, 3));
    this.bn2 = this.addChild('bn2', new BatchNorm2d(a.planes));
    const ds = downsample(ctx, a.inplanes, a.planes, a.stride);
    this.downsample = ds ? this.addChild('downsample', ds) : null;
    this.dropPath = new DropPath(a.dropPath);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = convBnAct(this.conv1, this.bn1, x, ctx, 'relu');
    y = convBnAct(this.conv2, this.bn2, y, ctx, null);
    const shortcut = this.downsample ? this.downsample.forward(x, ctx) : x;
    return tf.relu(tf.add(this.dropPath.forward(y, ctx), shortcut));
  }
}

export class Bottleneck extends Module {
  static readonly expansion = 4;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly conv3: Conv2d;
  private readonly bn3: BatchNorm2d;
  private readonly downsample: ConvBnAct | null;
  private readonly dropPath: DropPath;

  constructor(ctx: BuildContext, a: BlockArgs) {
    super();
    const outC = a.planes * Bottleneck.expansion;
    this.conv1 = this.addChild('conv1', new Conv2d(ctx, a.inplanes, a.planes, 1, { padding: 0 }));
    this.bn1 = this.addChild('bn1', new BatchNorm2d(a.planes));
    this.conv2 = this.addChild('conv2', new Conv2d(ctx, a.planes, a.planes, 3, { stride: a.stride }));
    this.bn2 = this.addChild('bn2', new BatchNorm2d(a.planes));
    this.conv3 = this.addChild('conv3', new Conv2d(ctx, a.planes, outC, 1, { padding: 0 }));
    this.bn3 = this.addChild('bn3', new BatchNorm2d(outC));
    const ds = downsample(ctx, a.inplanes, outC, a.stride);
    this.downsample = ds ? this.addChild('downsample', ds) : null;
    this.dropPath = new DropPath(a.dropPath);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = convBnAct(this.conv1, this.bn1, x, ctx, 'relu');
    y = convBnAct(this.conv2, this.bn2, y, ctx, 'relu');
    y = convBnAct(this.conv3, this.bn3, y, ctx, null);
    const shortcut = this.downsample ? this.downsample.forward(x, ctx) : x;
    return tf.relu(tf.add(this.dropPath.forward(y, ctx), shortcut));
  }
}

type BlockType = typeof BasicBlock | typeof Bottleneck;

interface ResNetDef {
  readonly block: BlockType;
  readonly layers: readonly [number, number, number, number];
}

class ResNet extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly maxpool = new MaxPool2d(3, 2, 1);
  private readonly stages: Sequential[] = [];
  private readonly dropout: Dropout;
  private readonly fc: Linear;

  constructor(ctx: BuildContext, def: ResNetDef, numClasses: number, options: BackboneOptions) {
    super();
    this.conv1 = this.addChild('conv1', new Conv2d(ctx, 3, 64, 7, { stride: 2, padding: 3 }));
    this.bn1 = this.addChild('bn1', new BatchNorm2d(64));
    const total = def.layers.reduce((a, b) => a + b, 0);
    let inplanes = 64;
    let index = 0;
    def.layers.forEach((count, s) => {
      const planes = 64 * 2 ** s;
      const blocks: Module[] = [];
      for (let i = 0; i < count; i++) {
        const dropPath = total > 1 ? ((options.drop_path ?? 0) * index) / (total - 1) : 0;
        blocks.push(new def.block(ctx, { inplanes, planes, stride: i === 0 && s > 0 ? 2 : 1, dropPath }));
        inplanes = planes * def.block.expansion;
        index++;
      }
      this.stages.push(this.addChild(`layer${s + 1}`, new Sequential(blocks)));
    });
    this.dropout = new Dropout(options.dropout);
    this.fc = this.addChild('fc', new Linear(ctx, inplanes, numClasses));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = this.maxpool.forward(convBnAct(this.conv1, this.bn1, x, ctx, 'relu'));
    for (const stage of this.stages) y = stage.forward(y, ctx);
    return this.fc.forward(this.dropout.forward(globalAvgPool(y), ctx));
  }
}

const VARIANTS: Record<string, ResNetDef> = {
  resnet18: { block: BasicBlock, layers: [2, 2, 2, 2] },
  resnet34: { block: BasicBlock, layers: [3, 4, 6, 3] },
  resnet50: { block: Bottleneck, layers: [3, 4, 6, 3] },
};

for (const [name, def] of Object.entries(VARIANTS)) {
  backbones.register({
    name,
    description: `torchvision ${name} (${def.block === BasicBlock ? 'basic' : 'bottleneck'} blocks ${def.layers.join('-')})`,
    options: backboneOptionsSchema({ dropout: 0, drop_path: 0 }),
    input: IMAGENET_INPUT,
    minSize: 32,
    counterpart: { library: 'torchvision', name },
    headKeys: ['fc.weight', 'fc.bias'],
    build: (ctx, numClasses, options) => new ResNet(ctx, def, numClasses, options),
  });
}
