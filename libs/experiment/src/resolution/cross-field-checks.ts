import type { PluginCatalog, PluginLookup } from '../plugin-catalog';
import { MINIMISED_METRICS, type MetricName, type ResolvedExperiment } from '../schema/experiment-schema';
import { joinPointer } from '../source/json-pointer';

/** A problem found by a cross-field check: the field it points at (a JSON Pointer) and what is wrong. */
export interface CrossFieldProblem {
  readonly pointer: string;
  readonly message: string;
}

/**
 * A rule between fields that a JSON Schema cannot say (Ludwig's registered config checks). It runs on a
 * schema-valid config with defaults and derived fields filled, and returns every problem it finds.
 */
export interface CrossFieldCheck {
  readonly name: string;
  readonly check: (config: ResolvedExperiment, catalog: PluginCatalog) => readonly CrossFieldProblem[];
}

const checks: CrossFieldCheck[] = [];

/** Adds a check run by every resolution. */
export function registerCrossFieldCheck(check: CrossFieldCheck): void {
  if (checks.some((c) => c.name === check.name)) throw new Error(`cross-field check '${check.name}' is registered twice`);
  checks.push(check);
}

export function crossFieldChecks(): readonly CrossFieldCheck[] {
  return checks;
}

registerCrossFieldCheck({
  name: 'layout-label-files',
  check: ({ data }) => {
    const problems: CrossFieldProblem[] = [];
    for (const split of ['train', 'val'] as const) {
      const labels = data[split].labels as string | null | undefined;
      if (data.layout === 'csv' && typeof labels !== 'string') {
        problems.push({ pointer: `/data/${split}/labels`, message: `layout 'csv' needs the ${split} label file (a CSV of img_name,target)` });
      }
      if (data.layout === 'real_fake' && labels !== null) {
        problems.push({ pointer: `/data/${split}/labels`, message: "layout 'real_fake' takes its labels from the real/ and fake/ folders; remove this label file" });
      }
    }
    return problems;
  },
});

registerCrossFieldCheck({
  name: 'real-only-training-needs-a-fake-source',
  check: ({ data, augment }, catalog) => {
    const isFakeSource = (name: string) => catalog.augmentations.get(name).role === 'fake_source' || name === 'sbi';
    return data.train.only_real && !augment.some((step) => isFakeSource(step.name))
      ? [{ pointer: '/data/train/only_real', message: "training on real images only needs a source of fakes: add the 'sbi' augmentation to augment" }]
      : [];
  },
});

registerCrossFieldCheck({
  name: 'image-size-fits-backbone',
  check: ({ data, model }, catalog) => {
    const minSize = catalog.backbones.get(model.backbone).minSize;
    return minSize !== undefined && data.image_size < minSize
      ? [{ pointer: '/data/image_size', message: `${model.backbone} needs images of at least ${minSize} px (got ${data.image_size})` }]
      : [];
  },
});

registerCrossFieldCheck({
  name: 'watched-metrics-are-evaluated',
  check: ({ train, eval: evalConfig }) => {
    const problems: CrossFieldProblem[] = [];
    const evaluated = evalConfig.metrics as readonly string[];
    if (!evaluated.includes(train.select_best_by)) {
      problems.push({ pointer: '/train/select_best_by', message: `'${train.select_best_by}' is not in eval.metrics (${evaluated.join(', ')}); add it there` });
    }
    if (train.early_stopping.patience > 0 && !evaluated.includes(train.early_stopping.metric)) {
      problems.push({ pointer: '/train/early_stopping/metric', message: `'${train.early_stopping.metric}' is not in eval.metrics (${evaluated.join(', ')}); add it there` });
    }
    return problems;
  },
});

registerCrossFieldCheck({
  name: 'early-stopping-mode-matches-metric',
  check: ({ train }) => {
    const { metric, mode } = train.early_stopping;
    const natural = MINIMISED_METRICS.includes(metric as MetricName) ? 'min' : 'max';
    return mode === natural
      ? []
      : [{ pointer: '/train/early_stopping/mode', message: `'${metric}' is ${natural === 'min' ? 'minimised' : 'maximised'}: mode must be '${natural}' (or leave mode out)` }];
  },
});

registerCrossFieldCheck({
  name: 'plugin-option-checks',
  check: (config, catalog) => {
    const problems: CrossFieldProblem[] = [];
    const run = (registry: PluginLookup, name: string, options: Readonly<Record<string, unknown>>, pointer: string, optionsPointer: string) => {
      const spec = registry.get(name);
      for (const p of spec.check?.(options) ?? []) problems.push({ pointer: p.option ? joinPointer(optionsPointer, p.option) : pointer, message: p.message });
    };
    run(catalog.backbones, config.model.backbone, config.model.options, '/model/backbone', '/model/options');
    config.augment.forEach((step, i) => run(catalog.augmentations, step.name, step, `/augment/${i}`, `/augment/${i}`));
    config.tta.views.forEach((view, i) => run(catalog.ttaViews, view.name, view, `/tta/views/${i}`, `/tta/views/${i}`));
    run(catalog.optimizers, config.train.optimizer.name, config.train.optimizer, '/train/optimizer', '/train/optimizer');
    run(catalog.schedules, config.train.schedule.name, config.train.schedule, '/train/schedule', '/train/schedule');
    return problems;
  },
});

registerCrossFieldCheck({
  name: 'augment-probability',
  // `p` is a probability for transforms but a count for a fake source (sbi makes p pseudo-fakes per real image),
  // so the schema allows up to 8 and the transform's bound is checked here, where the plug-in's role is known.
  check: ({ augment }, catalog) =>
    augment.flatMap((step, i) => {
      const spec = catalog.augmentations.has(step.name) ? (catalog.augmentations.get(step.name) as { role?: string }) : null;
      return spec && spec.role !== 'fake_source' && step.p > 1
        ? [{ pointer: `/augment/${i}/p`, message: `'${step.name}' is a transform: p is a probability and must be <= 1 (got ${step.p}); only a fake source such as sbi takes a count` }]
        : [];
    }),
});
