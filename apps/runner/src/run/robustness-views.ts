import { SeededRandom } from '@dfl/core';
import { buildAugmentPipeline, type AugmentStepConfig, type TtaViewSet } from '@dfl/data';
import type { EvalConfig } from '@dfl/experiment';

/** One degraded copy of the validation set (`eval.robustness`), scored with the experiment's own TTA. */
export interface RobustnessView {
  /** Stable key in the run record, e.g. `jpeg_q50`, `blur_s1.5`, `downscale_x2`. */
  readonly key: string;
  readonly views: TtaViewSet;
}

/**
 * Builds the robustness views from the config: each applies one degradation with fixed strength (the registry's
 * own jpeg / gaussian_blur / downscale augmentations with a one-point range, so there is one implementation of
 * each) before the TTA views are rendered.
 */
export function buildRobustnessViews(robustness: EvalConfig['robustness'], tta: TtaViewSet): RobustnessView[] {
  const specs: Array<{ key: string; step: AugmentStepConfig }> = [
    ...robustness.jpeg_quality.map((q) => ({ key: `jpeg_q${q}`, step: { name: 'jpeg', p: 1, quality: [q, q] } })),
    ...robustness.blur_sigma.map((s) => ({ key: `blur_s${s}`, step: { name: 'gaussian_blur', p: 1, sigma: [s, s] } })),
    ...robustness.downscale.map((f) => ({ key: `downscale_x${f}`, step: { name: 'downscale', p: 1, scale: [1 / f, 1 / f] } })),
  ];
  return specs.map(({ key, step }) => {
    const degrade = buildAugmentPipeline([step]);
    return {
      key,
      views: {
        names: tta.names,
        async render(image, interpolation) {
          // fixed strength, so the seed does not matter; a fixed one keeps the pipeline's contract
          const degraded = await degrade.apply(image, new SeededRandom(0), { interpolation });
          return tta.render(degraded, interpolation);
        },
      },
    };
  });
}
