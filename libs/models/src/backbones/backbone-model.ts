import * as tf from '@tensorflow/tfjs';
import { SeededRandom, deriveSeed } from '@dfl/core';
import type { BackboneOptions, InputConfig } from './backbone-registry';
import type { ForwardContext, Module, ModelParam } from './nn/module';

/** Everything needed to rebuild a model without the YAML: stored in checkpoints and run records. */
export interface ModelConfig {
  readonly backbone: string;
  readonly numClasses: number;
  /** The backbone's own options, defaulted (`dropout`, `drop_path`). */
  readonly options: BackboneOptions;
  readonly input: InputConfig;
  /** Seed of the initial weights and of the dropout / stochastic-depth masks. */
  readonly seed: number;
}

/** See {@link BackboneModel.inference}. */
export interface FoldedInference {
  /** Inference-mode logits, as BackboneModel.predict gives them (within float rounding). */
  predict(x: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

/**
 * A backbone with its classifier head. Input: a float32 NHWC batch already resized to `config.input.size` and
 * normalised with its mean / std. Output: logits [N, numClasses].
 *
 * Train it with a custom loop: `tf.variableGrads(() => loss(model.apply(x, true)), model.trainableVariables)` or
 * `optimizer.minimize(() => loss(model.apply(x, { training: true })), true, model.trainableVariables)`. In training mode BatchNorm uses batch statistics and updates its running statistics;
 * in inference (`predict`, or `apply` without training) it uses the running statistics.
 */
export class BackboneModel {
  private rng: SeededRandom;
  private readonly params: ReadonlyMap<string, ModelParam>;

  constructor(
    readonly config: ModelConfig,
    private readonly net: Module,
  ) {
    this.rng = new SeededRandom(config.seed ^ 0x5eed);
    this.params = new Map(net.namedParams());
  }

  /**
   * Restarts the dropout / stochastic-depth masks at the stream of `epoch`, so the masks an epoch draws depend on the
   * seed and the epoch alone: a run resumed from a checkpoint draws the same masks as one that never stopped.
   */
  seedMasksForEpoch(epoch: number): void {
    this.rng = new SeededRandom(deriveSeed(this.config.seed, 'masks', epoch));
  }

  get name(): string {
    return this.config.backbone;
  }

  /**
   * Forward pass; the caller owns the result (and, in training, wraps it in a tape / tidy). `training` may be given
   * as a boolean (the training loop's `TrainableModel.apply(images, training)`) or as `{ training }` (tf.LayersModel).
   */
  apply(x: tf.Tensor, opts: boolean | { training?: boolean } = {}): tf.Tensor2D {
    const training = typeof opts === 'boolean' ? opts : opts.training === true;
    const ctx: ForwardContext = { training, nextSeed: () => this.rng.nextUint32() };
    return tf.tidy(() => this.net.forward(x, ctx) as tf.Tensor2D);
  }

  /** Inference-mode logits. */
  predict(x: tf.Tensor): tf.Tensor2D {
    return this.apply(x, { training: false });
  }

  /**
   * A faster inference-only view for evaluation: BatchNorm folded into each convolution (computed once, on first
   * use) and ReLU / ReLU6 fused into the convolution kernel. A snapshot of the current weights: make a new one after
   * training further, and dispose it when done (it owns the folded filters).
   */
  inference(): FoldedInference {
    const folded = new Map<object, { readonly filter: tf.Tensor4D; readonly bias: tf.Tensor1D }>();
    const ctx: ForwardContext = { training: false, nextSeed: () => 0, folded };
    let disposed = false;
    return {
      predict: (x: tf.Tensor) => {
        if (disposed) throw new Error('inference view used after dispose()');
        return tf.tidy(() => this.net.forward(x, ctx) as tf.Tensor2D);
      },
      dispose: () => {
        disposed = true;
        for (const { filter, bias } of folded.values()) tf.dispose([filter, bias]);
        folded.clear();
      },
    };
  }

  /** The parameters an optimizer updates (BatchNorm running statistics excluded). */
  get trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((p) => p.trainable).map((p) => p.variable);
  }

  /** Every parameter and buffer under its PyTorch state-dict key (torchvision / timm naming). */
  namedVariables(): Map<string, ModelParam> {
    return new Map(this.params);
  }

  /** Trainable parameters, as PyTorch counts them (`sum(p.numel() for p in m.parameters() if p.requires_grad)`). */
  countParams(): number {
    let n = 0;
    for (const p of this.params.values()) if (p.trainable) n += p.variable.size;
    return n;
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
  }
}
