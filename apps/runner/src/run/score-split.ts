import { combineTta, createTtaLoader, type BadImagePolicy, type DatasetItem, type ImageInputConfig, type TtaCombineMode, type TtaViewSet } from '@dfl/data';
import { predictViews, type ImageBatch, type TrainableModel } from '@dfl/training';

export interface SplitScores {
  readonly names: string[];
  /** 1 = fake, 0 = real, -1 = unlabelled. */
  readonly labels: Int32Array;
  /** Probability of "fake" per image, the TTA views combined. */
  readonly scores: Float32Array;
  /** Images the loader skipped under the `skip` policy. */
  readonly skipped: readonly { name: string; reason: string }[];
}

export interface ScoreSplitOptions {
  readonly model: TrainableModel;
  readonly items: readonly DatasetItem[];
  readonly input: ImageInputConfig;
  readonly views: TtaViewSet;
  readonly combine: TtaCombineMode;
  readonly numClasses: 1 | 2;
  readonly batchSize: number;
  readonly onBadImage: BadImagePolicy;
  /** Called after each batch with the images scored so far. */
  readonly onProgress?: (done: number) => void;
}

/**
 * Scores a split with the experiment's TTA: the one path that validation, `promote` and the test API share
 * (decode → views → model → combine), so their scores agree.
 */
export async function scoreSplit(o: ScoreSplitOptions): Promise<SplitScores> {
  const loader = createTtaLoader({ items: o.items, input: o.input, views: o.views, batchSize: o.batchSize, onBadImage: o.onBadImage });
  const scored = await scoreViewBatches(o.model, loader.batches(), o.combine, o.numClasses, o.onProgress);
  return { ...scored, skipped: loader.skipped().map((s) => ({ name: s.name, reason: s.reason })) };
}

/**
 * The model → combine half of {@link scoreSplit}, for view batches decoded elsewhere (the test API decodes each
 * upload on its own, with the data lib's `ttaBatchFromImages`, then batches them): one implementation of both.
 */
export async function scoreViewBatches(
  model: TrainableModel,
  viewBatches: AsyncIterable<readonly ImageBatch[]>,
  combine: TtaCombineMode,
  numClasses: 1 | 2,
  onProgress?: (done: number) => void,
): Promise<Omit<SplitScores, 'skipped'>> {
  const names: string[] = [];
  const labels: number[] = [];
  const parts: Float32Array[] = [];
  for await (const scored of predictViews(model, viewBatches)) {
    names.push(...scored.names);
    labels.push(...scored.labels);
    parts.push(combineTta(scored.viewLogits, combine, numClasses));
    onProgress?.(names.length);
  }
  const scores = new Float32Array(names.length);
  let offset = 0;
  for (const p of parts) {
    scores.set(p, offset);
    offset += p.length;
  }
  return { names, labels: Int32Array.from(labels), scores };
}
