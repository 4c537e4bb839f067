import * as tf from '@tensorflow/tfjs';
import { dropoutOnlySchema, backbones, type BackboneOptions } from './backbone-registry';
import { Activation, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, convBnAct, globalAvgPool, type BuildContext } from './nn/layers';
import { Module, Sequential, type ForwardContext } from './nn/module';

// timm's legacy `xception` (timm/models/xception.py, the Cadene port of Keras' Xception), with its layer names:
// conv1/bn1, conv2/bn2, block1..block12 (rep / skip / skipbn), conv3/bn3, conv4/bn4, fc. 22,855,952 parameters
// with 1000 classes. timm's forward_head discards its dropout result; here `dropout` is applied (default 0).

/** Depthwise kxk (`conv1`) then pointwise 1x1 (`pointwise`), both without bias. */
class SeparableConv2d extends Module {
  private readonly conv1: Conv2d;
  private readonly pointwise: Conv2d;

  constructor(ctx: BuildContext, inC: number, outC: number) {
    super();
    this.conv1 = this.addChild('conv1', new Conv2d(ctx, inC, inC, 3, { padding: 1, groups: inC }));
    this.pointwise = this.addChild('pointwise', new Conv2d(ctx, inC, outC, 1, { padding: 0 }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.pointwise.forward(this.conv1.forward(x));
  }
}

class Block extends Module {
  private readonly rep: Sequential;
  private readonly skip: Conv2d | null = null;
  private readonly skipbn: BatchNorm2d | null = null;

  constructor(ctx: BuildContext, inC: number, outC: number, reps: number, stride: number, startWithRelu = true, growFirst = true) {
    super();
    let rep: Module[] = [];
    for (let i = 0; i < reps; i++) {
      const inc = growFirst ? (i === 0 ? inC : outC) : inC;
      const outc = growFirst ? outC : i < reps - 1 ? inC : outC;
      rep.push(new Activation('relu'), new SeparableConv2d(ctx, inc, outc), new BatchNorm2d(outc));
    }
    if (!startWithRelu) rep = rep.slice(1);
    if (stride !== 1) rep.push(new MaxPool2d(3, stride, 1));
    this.rep = this.addChild('rep', new Sequential(rep));
    if (outC !== inC || stride !== 1) {
      this.skip = this.addChild('skip', new Conv2d(ctx, inC, outC, 1, { stride, padding: 0 }));
      this.skipbn = this.addChild('skipbn', new BatchNorm2d(outC));
    }
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const y = this.rep.forward(x, ctx);
    const skip = this.skip && this.skipbn ? convBnAct(this.skip, this.skipbn, x, ctx, null) : x;
    return tf.add(y, skip);
  }
}

class Xception extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly blocks: Block[] = [];
  private readonly conv3: SeparableConv2d;
  private readonly bn3: BatchNorm2d;
  private readonly conv4: SeparableConv2d;
  private readonly bn4: BatchNorm2d;
  private readonly dropout: Dropout;
  private readonly fc: Linear;

  constructor(ctx: BuildContext, numClasses: number, options: BackboneOptions) {
    super();
    this.conv1 = this.addChild('conv1', new Conv2d(ctx, 3, 32, 3, { stride: 2, padding: 0 }));
    this.bn1 = this.addChild('bn1', new BatchNorm2d(32));
    this.conv2 = this.addChild('conv2', new Conv2d(ctx, 32, 64, 3, { padding: 0 }));
    this.bn2 = this.addChild('bn2', new BatchNorm2d(64));
    const specs: Array<[number, number, number, number, boolean?, boolean?]> = [
      [64, 128, 2, 2, false],
      [128, 256, 2, 2],
      [256, 728, 2, 2],
      ...Array.from({ length: 8 }, () => [728, 728, 3, 1] as [number, number, number, number]),
      [728, 1024, 2, 2, true, false],
    ];
    specs.forEach(([i, o, reps, s, startWithRelu, growFirst], k) => {
      this.blocks.push(this.addChild(`block${k + 1}`, new Block(ctx, i, o, reps, s, startWithRelu ?? true, growFirst ?? true)));
    });
    this.conv3 = this.addChild('conv3', new SeparableConv2d(ctx, 1024, 1536));
    this.bn3 = this.addChild('bn3', new BatchNorm2d(1536));
    this.conv4 = this.addChild('conv4', new SeparableConv2d(ctx, 1536, 2048));
    this.bn4 = this.addChild('bn4', new BatchNorm2d(2048));
    this.dropout = new Dropout(options.dropout);
    this.fc = this.addChild('fc', new Linear(ctx, 2048, numClasses));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = convBnAct(this.conv1, this.bn1, x, ctx, 'relu');
    y = convBnAct(this.conv2, this.bn2, y, ctx, 'relu');
    for (const block of this.blocks) y = block.forward(y, ctx);
    y = tf.relu(this.bn3.forward(this.conv3.forward(y), ctx));
    y = tf.relu(this.bn4.forward(this.conv4.forward(y), ctx));
    return this.fc.forward(this.dropout.forward(globalAvgPool(y), ctx));
  }
}

backbones.register({
  name: 'xception',
  description: "timm's legacy xception (Keras port; separable convs, 299 px)",
  options: dropoutOnlySchema(0),
  input: { size: 299, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: 'bicubic' },
  minSize: 32,
  counterpart: { library: 'timm', name: 'xception' },
  headKeys: ['fc.weight', 'fc.bias'],
  build: (ctx, numClasses, options) => new Xception(ctx, numClasses, options),
});
