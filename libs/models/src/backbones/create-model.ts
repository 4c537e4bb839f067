import { SeededRandom, UserError } from '@dfl/core';
import { Value } from '@sinclair/typebox/value';
import { backbones, type BackboneOptions } from './backbone-registry';
import { BackboneModel, type ModelConfig } from './backbone-model';
import { shapeIn } from '../weights/state-dict';
import './zoo';

export interface CreateModelOptions {
  /** Size of the classifier head. Default 2 (real / fake). */
  numClasses?: number;
  /** Dropout before the classifier. Default: the backbone's (torchvision's value where it has one). */
  dropout?: number;
  /** Stochastic depth rate (resnets, efficientnets). Default: the backbone's (0.2 for EfficientNet, 0 for ResNet). */
  dropPath?: number;
  /** Seed of the initial weights and dropout masks. Default 0. */
  seed?: number;
}

/** Defaults and validates a backbone's own options (`model.options` in the YAML); every problem in one error. */
export function resolveBackboneOptions(name: string, raw: Record<string, unknown> = {}): BackboneOptions {
  const spec = backbones.get(name);
  const withDefaults = Value.Default(spec.options, Value.Clone(raw)) as unknown;
  const errors = [...Value.Errors(spec.options, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new UserError(`invalid options for backbone '${name}':\n${lines.join('\n')}`);
  }
  return withDefaults as BackboneOptions;
}

/**
 * Builds a model from a stored config (checkpoints, promote, the test API) or the YAML's `model` section;
 * `options` are the backbone's own (snake_case, as in the YAML), defaulted and validated here.
 */
export function createModelFromConfig(
  config: Pick<ModelConfig, 'backbone' | 'numClasses' | 'seed'> & { options?: Record<string, unknown> },
): BackboneModel {
  const spec = backbones.get(config.backbone);
  if (!Number.isInteger(config.numClasses) || config.numClasses < 1) {
    throw new UserError(`numClasses must be a positive integer, got ${config.numClasses}`);
  }
  const options = resolveBackboneOptions(config.backbone, config.options ?? {});
  const net = spec.build({ rng: new SeededRandom(config.seed) }, config.numClasses, options);
  return new BackboneModel(
    { backbone: spec.name, numClasses: config.numClasses, options, input: spec.input, seed: config.seed },
    net,
  );
}

/** Trainable parameter count of a backbone with the given head, from a structure-only build (no random draws). */
export function countBackboneParams(name: string, numClasses = 2): number {
  const spec = backbones.get(name);
  const net = spec.build({ rng: null }, numClasses, resolveBackboneOptions(name));
  const params = net.namedParams();
  try {
    return params.reduce((n, [, p]) => (p.trainable ? n + p.variable.size : n), 0);
  } finally {
    for (const [, p] of params) p.variable.dispose();
  }
}

/** Every state-dict key of a backbone with its PyTorch shape, from a structure-only build. */
export function backboneStateDictShapes(name: string, numClasses = 2): Array<[string, number[]]> {
  const spec = backbones.get(name);
  const net = spec.build({ rng: null }, numClasses, resolveBackboneOptions(name));
  const params = net.namedParams();
  try {
    return params.map(([key, p]) => [key, shapeIn('torch', p.layout, p.variable.shape)]);
  } finally {
    for (const [, p] of params) p.variable.dispose();
  }
}

/** timm's `create_model`: the one way to build a backbone by name; an unknown name fails listing the valid ones. */
export function createModel(name: string, opts: CreateModelOptions = {}): BackboneModel {
  const options: Partial<BackboneOptions> = {};
  if (opts.dropout !== undefined) options.dropout = opts.dropout;
  // dropPath 0 means "none": accepted for every backbone; a positive rate only where the schema has drop_path.
  if (opts.dropPath !== undefined && (opts.dropPath !== 0 || 'drop_path' in backbones.get(name).options.properties)) {
    options.drop_path = opts.dropPath;
  }
  return createModelFromConfig({ backbone: name, numClasses: opts.numClasses ?? 2, seed: opts.seed ?? 0, options });
}
