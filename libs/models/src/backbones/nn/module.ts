import * as tf from '@tensorflow/tfjs';

/**
 * How a parameter is laid out here versus in a PyTorch state dict, so weights convert by layout, not by name:
 * `conv` HWIO <- OIHW, `depthwise` [kh,kw,C,1] <- [C,1,kh,kw], `linear` [in,out] <- [out,in], `vector` as is.
 */
export type ParamLayout = 'conv' | 'depthwise' | 'linear' | 'vector';

/** One tensor of the model's state: a trainable parameter or a buffer (BatchNorm running statistics). */
export interface ModelParam {
  readonly variable: tf.Variable;
  readonly layout: ParamLayout;
  /** false for buffers: they are state, not parameters (as in PyTorch). */
  readonly trainable: boolean;
}

/** What a forward pass needs besides its input: the mode and a source of seeds for dropout masks. */
export interface ForwardContext {
  readonly training: boolean;
  /** A fresh seed for each random mask, so a seeded run draws the same masks. */
  nextSeed(): number;
  /**
   * Inference only: convolutions with their BatchNorm folded in, filled on first use and owned by the caller
   * (see BackboneModel.inference). Absent: BatchNorm runs as its own op.
   */
  readonly folded?: Map<object, { readonly filter: tf.Tensor4D; readonly bias: tf.Tensor1D }>;
}

/**
 * A PyTorch-shaped module: children and parameters are named as in the torchvision / timm module tree, so the
 * state dict of a module here has the same keys as its PyTorch counterpart. Tensors are NHWC.
 */
export abstract class Module {
  private readonly ownParams = new Map<string, ModelParam>();
  private readonly childModules = new Map<string, Module>();

  abstract forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;

  /** Registers a parameter; `init` is consumed (the variable takes its data). */
  protected addParam(name: string, init: tf.Tensor, layout: ParamLayout, trainable = true): tf.Variable {
    const variable = tf.variable(init, trainable);
    init.dispose();
    this.ownParams.set(name, { variable, layout, trainable });
    return variable;
  }

  protected addChild<M extends Module>(name: string, child: M): M {
    this.childModules.set(name, child);
    return child;
  }

  /** Every parameter and buffer under its PyTorch state-dict key, in PyTorch's registration order. */
  namedParams(prefix = ''): Array<[string, ModelParam]> {
    const out: Array<[string, ModelParam]> = [];
    for (const [name, p] of this.ownParams) out.push([prefix + name, p]);
    for (const [name, child] of this.childModules) out.push(...child.namedParams(`${prefix}${name}.`));
    return out;
  }
}

/** Runs its children in order; children are named '0', '1', ... like torch.nn.Sequential (parameterless ones too). */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((layer, i) => this.addChild(String(i), layer));
  }

  get length(): number {
    return this.layers.length;
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y, ctx);
    return y;
  }
}
