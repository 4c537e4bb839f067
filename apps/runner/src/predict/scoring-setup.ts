import type { ImageInputConfig, TtaCombineMode, TtaViewConfig } from '@dfl/data';
import type { ResolvedExperiment } from '@dfl/experiment';
import type { EngineChoice } from '@dfl/models';

/**
 * Everything needed to turn an image into a score besides the weights: the preprocessing, the TTA views and how
 * they combine, the network to rebuild. Taken from a run's resolved config (the same fields `dfl run` validated
 * with), and stored as `scoring.json` in a promoted package so a machine with only the package can score.
 */
export interface ScoringSetup {
  readonly input: ImageInputConfig;
  readonly tta: { readonly views: readonly TtaViewConfig[]; readonly combine: TtaCombineMode };
  readonly model: { readonly backbone: string; readonly numClasses: 1 | 2; readonly options: Record<string, unknown>; readonly seed: number };
  readonly batchSize: number;
  /** The engine the config asks for (`auto` picks the fastest available). */
  readonly engine: EngineChoice;
  readonly face: FaceSetup;
}

/** How face boxes given at scoring time are cropped: with the run's margin, as its loaders cropped them. */
export interface FaceSetup {
  /** `data.face_margin` (0 when null): each side grows by this fraction of the box's width/height. */
  readonly margin: number;
  /** The run trained on face crops (`data.train.face_boxes` was set): whole frames are not what it learned from. */
  readonly trainedOnCrops: boolean;
}

export function faceSetupFromConfig(cfg: ResolvedExperiment): FaceSetup {
  return { margin: cfg.data.face_margin ?? 0, trainedOnCrops: cfg.data.train.face_boxes != null };
}

export function scoringSetupFromConfig(cfg: ResolvedExperiment): ScoringSetup {
  return {
    input: {
      size: cfg.data.image_size,
      mean: [...cfg.data.mean] as [number, number, number],
      std: [...cfg.data.std] as [number, number, number],
      interpolation: cfg.data.interpolation,
    },
    tta: { views: JSON.parse(JSON.stringify(cfg.tta.views)) as TtaViewConfig[], combine: cfg.tta.combine },
    model: {
      backbone: cfg.model.backbone,
      numClasses: cfg.model.num_classes as 1 | 2,
      options: JSON.parse(JSON.stringify(cfg.model.options)) as Record<string, unknown>,
      seed: cfg.train.seed,
    },
    batchSize: cfg.train.batch_size,
    engine: cfg.engine as EngineChoice,
    face: faceSetupFromConfig(cfg),
  };
}
