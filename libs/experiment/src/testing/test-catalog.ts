import { Type } from '@sinclair/typebox';
import { Registry } from '@dfl/core';
import type { CatalogBackboneSpec, CatalogPluginSpec, PluginCatalog } from '../plugin-catalog';

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * A small catalog for this lib's tests: the real plug-ins live in libs that depend on this one, so the tests build
 * their own registries with the same shape (a few names, option schemas with defaults, one cross-option check).
 */
export function testCatalog(): PluginCatalog {
  const backbones = new Registry<CatalogBackboneSpec>('backbone');
  backbones.register({
    name: 'resnet18',
    description: 'ResNet-18',
    options: Type.Object({ zero_init_residual: Type.Boolean({ default: false }) }, { additionalProperties: false }),
    input: { size: 224, ...IMAGENET, interpolation: 'bilinear' },
  });
  backbones.register({
    name: 'tiny_cnn',
    description: 'a tiny CNN for tests',
    options: Type.Object({ width: Type.Integer({ minimum: 1, default: 8 }) }, { additionalProperties: false }),
    input: { size: 64, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], interpolation: 'bilinear' },
  });

  const augmentations = new Registry<CatalogPluginSpec>('augmentation');
  augmentations.register({ name: 'hflip', description: 'horizontal flip', options: Type.Object({}) });
  augmentations.register({ name: 'vflip', description: 'vertical flip', options: Type.Object({}) });
  augmentations.register({
    name: 'jpeg',
    description: 'JPEG re-compression',
    options: Type.Object({
      quality_min: Type.Integer({ minimum: 1, maximum: 100, default: 30 }),
      quality_max: Type.Integer({ minimum: 1, maximum: 100, default: 95 }),
    }),
    check: (o) => ((o.quality_min as number) > (o.quality_max as number) ? [{ option: 'quality_min', message: 'must be <= quality_max' }] : []),
  });
  augmentations.register({ name: 'sbi', description: 'self-blended images', role: 'fake_source', options: Type.Object({ per_real: Type.Number({ minimum: 0, default: 1 }) }) });

  const ttaViews = new Registry<CatalogPluginSpec>('TTA view');
  ttaViews.register({ name: 'identity', description: 'the image as is', options: Type.Object({}) });
  ttaViews.register({ name: 'hflip', description: 'mirrored', options: Type.Object({}) });
  ttaViews.register({
    name: 'five_crop',
    description: 'four corners and the centre',
    options: Type.Object({
      scale: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.875 }),
      // a TypeBox union of literals (anyOf of consts), as plug-in authors write enums
      corners: Type.Union([Type.Literal('all'), Type.Literal('top')], { default: 'all' }),
    }),
  });

  const schedules = new Registry<CatalogPluginSpec>('schedule');
  schedules.register({ name: 'constant', description: 'constant', options: Type.Object({}) });
  schedules.register({
    name: 'step',
    description: 'step decay',
    options: Type.Object({ step_size: Type.Integer({ minimum: 1 }), gamma: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1 }) }),
  });

  const optimizers = new Registry<CatalogPluginSpec>('optimizer');
  optimizers.register({ name: 'adam', description: 'Adam', options: Type.Object({ weight_decay: Type.Number({ minimum: 0, default: 0 }) }) });
  optimizers.register({
    name: 'sgd',
    description: 'SGD',
    options: Type.Object({ momentum: Type.Number({ minimum: 0, default: 0 }), nesterov: Type.Boolean({ default: false }) }),
    check: (o) => (o.nesterov && !((o.momentum as number) > 0) ? [{ option: 'nesterov', message: 'nesterov needs momentum > 0' }] : []),
  });
  return { backbones, augmentations, ttaViews, schedules, optimizers };
}
