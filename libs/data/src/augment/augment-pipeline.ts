import { UserError, type SeededRandom } from '@dfl/core';
import { Value } from '@sinclair/typebox/value';
import type { Mirror } from '../image/normalize';
import { flipHorizontal, flipVertical } from '../image/pixel-ops';
import type { RgbImage } from '../image/rgb-image';
import { augmentations } from './augmentation-registry';
import type { AugmentContext, AugmentationSpec } from './augmentation-spec';

/**
 * One `augment:` entry as written in the YAML: `{name, p, ...options}` (options flat beside name and p), or
 * `{name, p, options: {...}}`. `p` is the probability of applying it (default 1); for a fake source (sbi) it is
 * the number of pseudo-fakes per real image.
 */
export interface AugmentStepConfig {
  readonly name: string;
  readonly p?: number;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly [option: string]: unknown;
}

export interface ResolvedAugmentStep {
  readonly spec: AugmentationSpec;
  readonly p: number;
  /** The step's options with the plug-in's defaults filled in. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface AugmentPipeline {
  readonly steps: readonly ResolvedAugmentStep[];
  /** Pseudo-fakes the loader adds per real image each epoch (sum of the fake sources' `p`; 0 without one). */
  readonly fakesPerReal: number;
  /** True when every transform step is a mirror: applyDeferringMirrors then never looks at the pixels. */
  readonly mirrorsOnly: boolean;
  /** Runs the transform steps in order, each with its probability. */
  apply(image: RgbImage, rng: SeededRandom, context: AugmentContext): Promise<RgbImage>;
  /**
   * {@link apply}, except that mirror steps still pending at the end are returned instead of done: writing the
   * image with `writeNormalized(..., mirror)` gives exactly the pixels of `apply` (same random draws), one copy
   * fewer. A mirror followed by any other applied step is done in place first, so the order of steps is kept.
   */
  applyDeferringMirrors(image: RgbImage, rng: SeededRandom, context: AugmentContext): Promise<{ image: RgbImage; mirror: Mirror }>;
  /** Turns a real image into a pseudo-fake with the (first) fake source, e.g. SBI. */
  makeFake(image: RgbImage, rng: SeededRandom, context: AugmentContext): Promise<RgbImage>;
}

/** Looks every step up in the registry, fills and checks its options, and returns a runnable pipeline. */
export function buildAugmentPipeline(steps: ReadonlyArray<AugmentStepConfig>): AugmentPipeline {
  const errors: string[] = [];
  const resolved: ResolvedAugmentStep[] = [];
  steps.forEach((step, i) => {
    const where = `augment[${i}] (${step.name})`;
    if (!augmentations.has(step.name)) {
      errors.push(`${where}: unknown augmentation; valid: ${augmentations.names().join(', ')}`);
      return;
    }
    const spec = augmentations.get(step.name);
    const { name: _name, p: _p, options: nested, ...flat } = step;
    const options = Value.Default(spec.options, Value.Clone({ ...flat, ...(nested ?? {}) })) as Record<string, unknown>;
    for (const e of Value.Errors(spec.options, options)) errors.push(`${where}${e.path.replace(/\//g, '.')}: ${e.message}`);
    const p = step.p ?? 1;
    if (!(p >= 0) || (spec.role === 'transform' && p > 1)) {
      errors.push(`${where}.p: must be ${spec.role === 'transform' ? 'a probability in [0, 1]' : 'a count >= 0 (fakes per real image)'}, got ${p}`);
    }
    resolved.push({ spec, p, options: Object.freeze(options) });
  });
  if (errors.length > 0) throw new UserError(`invalid augmentation steps:\n  ${errors.join('\n  ')}`);

  const transforms = resolved.filter((s) => s.spec.role === 'transform');
  const fakeSources = resolved.filter((s) => s.spec.role === 'fake_source');
  return {
    steps: resolved,
    fakesPerReal: fakeSources.reduce((acc, s) => acc + s.p, 0),
    mirrorsOnly: transforms.every((s) => s.spec.mirror !== undefined),
    async apply(image, rng, context) {
      let current = image;
      for (const step of transforms) {
        // draw the coin even when p is 0 or 1, so one step's p never shifts the random stream of the next ones
        const on = rng.next() < step.p;
        const stepRng = rng.fork(0);
        if (on) current = await step.spec.apply(current, step.options, stepRng, context);
      }
      return current;
    },
    async applyDeferringMirrors(image, rng, context) {
      let current = image;
      let horizontal = false;
      let vertical = false;
      for (const step of transforms) {
        const on = rng.next() < step.p; // the same draws as apply
        const stepRng = rng.fork(0);
        if (!on) continue;
        if (step.spec.mirror === 'horizontal') horizontal = !horizontal;
        else if (step.spec.mirror === 'vertical') vertical = !vertical;
        else {
          // the two mirrors commute with each other but not with other steps: do the pending ones first
          if (horizontal) current = flipHorizontal(current);
          if (vertical) current = flipVertical(current);
          horizontal = vertical = false;
          current = await step.spec.apply(current, step.options, stepRng, context);
        }
      }
      return { image: current, mirror: { horizontal, vertical } };
    },
    async makeFake(image, rng, context) {
      if (fakeSources.length === 0) throw new Error('this augmentation pipeline has no fake source (e.g. sbi)');
      const source = fakeSources.length === 1 ? fakeSources[0] : fakeSources[rng.int(fakeSources.length)];
      return source.spec.apply(image, source.options, rng.fork(1), context);
    },
  };
}
