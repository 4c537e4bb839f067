import { UserError } from '@dfl/core';
import { Value } from '@sinclair/typebox/value';
import type { Interpolation } from '../image/input-config';
import type { RgbImage } from '../image/rgb-image';
import { ttaViews } from './tta-view-registry';

/** One `tta.views` entry: `{name, ...options}` (or `{name, options: {...}}`). */
export interface TtaViewConfig {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly [option: string]: unknown;
}

export interface TtaViewSet {
  /** One name per image a sample becomes, in order (five_crop contributes five). */
  readonly names: readonly string[];
  /** All the views of one image, in the order of `names`, each the size of the input. */
  render(image: RgbImage, interpolation: Interpolation): Promise<RgbImage[]>;
}

/** Looks the views up, fills and checks their options; the result renders every view of an image. */
export function buildTtaViews(views: ReadonlyArray<TtaViewConfig>): TtaViewSet {
  if (views.length === 0) throw new UserError('tta.views: at least one view is needed (identity for none)');
  const errors: string[] = [];
  const resolved = views.flatMap((view, i) => {
    const where = `tta.views[${i}] (${view.name})`;
    if (!ttaViews.has(view.name)) {
      errors.push(`${where}: unknown TTA view; valid: ${ttaViews.names().join(', ')}`);
      return [];
    }
    const spec = ttaViews.get(view.name);
    const { name: _name, options: nested, ...flat } = view;
    const options = Value.Default(spec.options, Value.Clone({ ...flat, ...(nested ?? {}) })) as Record<string, unknown>;
    for (const e of Value.Errors(spec.options, options)) errors.push(`${where}${e.path.replace(/\//g, '.')}: ${e.message}`);
    return [{ spec, options }];
  });
  if (errors.length > 0) throw new UserError(`invalid TTA views:\n  ${errors.join('\n  ')}`);
  return {
    names: resolved.flatMap(({ spec, options }) => spec.names(options)),
    async render(image, interpolation) {
      const out: RgbImage[] = [];
      for (const { spec, options } of resolved) out.push(...(await spec.render(image, options, interpolation)));
      return out;
    },
  };
}
