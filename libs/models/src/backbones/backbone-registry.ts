import { Registry, type PluginSpec } from '@dfl/core';
import { Type, type Static } from '@sinclair/typebox';
import type { BuildContext } from './nn/layers';
import type { Module } from './nn/module';

/** Preprocessing a backbone expects: the data pipeline reads it and never hard-codes 224 (timm's pretrained_cfg). */
export interface InputConfig {
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly interpolation: 'bilinear' | 'bicubic' | 'nearest';
}

const rate = (def: number, description: string) =>
  Type.Number({ minimum: 0, maximum: 1, exclusiveMaximum: 1, default: def, description });

/**
 * A backbone's own options (`model.options` in the YAML): `dropout` for all, `drop_path` only where the network has
 * residual branches to drop (resnets, efficientnets), so that asking it of another backbone is an error, not a no-op.
 */
export function backboneOptionsSchema(defaults: { dropout: number; drop_path?: number }) {
  return Type.Object(
    {
      dropout: rate(defaults.dropout, 'dropout rate before the classifier'),
      drop_path: Type.Optional(
        rate(defaults.drop_path ?? 0, 'stochastic depth: largest probability of dropping a residual branch (grows linearly with depth)'),
      ),
    },
    { additionalProperties: false },
  );
}

/** The same schema without `drop_path`, for backbones that have no residual branches to drop. */
export function dropoutOnlySchema(dropout: number) {
  return Type.Object({ dropout: rate(dropout, 'dropout rate before the classifier') }, { additionalProperties: false });
}

export type BackboneOptionsSchema = ReturnType<typeof backboneOptionsSchema> | ReturnType<typeof dropoutOnlySchema>;
/** A backbone's own options once defaulted and validated. */
export type BackboneOptions = Static<ReturnType<typeof backboneOptionsSchema>>;

/** The PyTorch model whose state dict and parameter count this backbone matches. */
export interface Counterpart {
  readonly library: 'torchvision' | 'timm';
  readonly name: string;
}

/** A backbone in the zoo: how to build it, what it eats, whose weights it takes. */
export interface BackboneSpec extends PluginSpec<BackboneOptionsSchema> {
  readonly input: InputConfig;
  /** The smallest input side the architecture accepts (every stride still leaves at least 1 pixel). */
  readonly minSize: number;
  readonly counterpart: Counterpart | null;
  /** State-dict keys of the classifier head's parameters: re-initialised when a checkpoint's head has another shape. */
  readonly headKeys: readonly string[];
  /** Builds the network; `options` are defaulted and validated, the result maps NHWC images to logits. */
  readonly build: (ctx: BuildContext, numClasses: number, options: BackboneOptions) => Module;
}

export const backbones = new Registry<BackboneSpec>('backbone');

export const IMAGENET_INPUT: InputConfig = {
  size: 224,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  interpolation: 'bilinear',
};
