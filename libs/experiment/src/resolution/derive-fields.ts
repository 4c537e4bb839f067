import * as path from 'node:path';
import type { PluginCatalog } from '../plugin-catalog';
import { MINIMISED_METRICS, type MetricName } from '../schema/experiment-schema';
import type { SourceLocations } from '../source/source-locations';

type Draft = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- schema-valid, being completed

export interface DeriveContext {
  readonly catalog: PluginCatalog;
  readonly locations: SourceLocations;
  /** The experiment file the user named: its base name is the default run name. */
  readonly file: string;
  /** Where relative paths given by `--set` are resolved. */
  readonly cwd: string;
}

/** Label files of the challenge layout; the other layouts have none by default. */
const CHALLENGE_LABELS = { train: 'train_label.txt', val: 'val_label.txt' } as const;

/**
 * Fills the fields whose default depends on something else (the `Derived` fields of the schema) and makes every
 * path absolute, on a schema-valid draft. Only fills what is missing, so resolving a resolved config is a no-op.
 */
export function deriveFields(draft: Draft, ctx: DeriveContext): void {
  draft.name ??= path.basename(ctx.file).replace(/\.(ya?ml|json)$/i, '');

  const data = draft.data as Draft;
  const backbone = ctx.catalog.backbones.get(draft.model.backbone);
  data.image_size ??= backbone.input.size;
  data.mean ??= [...backbone.input.mean];
  data.std ??= [...backbone.input.std];
  data.interpolation ??= backbone.input.interpolation;

  // A relative data root is relative to the folder of the file that wrote it (the working directory for --set).
  data.root = path.resolve(baseDirOf('/data/root', ctx), data.root);
  for (const split of ['train', 'val'] as const) {
    if (data[split].labels === undefined) data[split].labels = data.layout === 'challenge' ? CHALLENGE_LABELS[split] : data.layout === 'real_fake' ? null : undefined;
    if (typeof data[split].labels === 'string') data[split].labels = path.resolve(data.root, data[split].labels);
    if (typeof data[split].face_boxes === 'string') data[split].face_boxes = path.resolve(data.root, data[split].face_boxes);
  }
  if (typeof data.train.landmarks === 'string') data.train.landmarks = path.resolve(data.root, data.train.landmarks);
  for (const split of ['train', 'val', 'test'] as const) data[split].images = path.resolve(data.root, data[split].images);

  const model = draft.model as Draft;
  if (typeof model.pretrained === 'string') model.pretrained = path.resolve(baseDirOf('/model/pretrained', ctx), model.pretrained);

  const early = draft.train.early_stopping as Draft;
  early.mode ??= MINIMISED_METRICS.includes(early.metric as MetricName) ? 'min' : 'max';
}

function baseDirOf(pointer: string, ctx: DeriveContext): string {
  const loc = ctx.locations.nearest(pointer)?.loc.value;
  return loc?.isFile ? path.dirname(loc.source) : ctx.cwd;
}
