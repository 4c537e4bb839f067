import { UserError } from '@dfl/core';
import { buildTtaViews, ttaBatchFromImages, type BadImagePolicy, type Batch, type DatasetItem, type FaceBox, type TtaViewSet } from '@dfl/data';
import { createModelFromConfig, loadPretrained, selectEngine, type BackboneModel, type EngineChoice, type EngineInfo, type FoldedInference } from '@dfl/models';
import type { TrainableModel } from '@dfl/training';
import { scoreSplit, scoreViewBatches, type SplitScores } from '../run/score-split';
import { assertBoxInside } from './check-face-box';
import type { ScoringSetup } from './scoring-setup';

/** One image for the test API path: bytes (an upload) or a file path, and its face box when the client gave one. */
export interface ImageSource {
  readonly name: string;
  readonly source: Buffer | string;
  /** Pixels of the displayed image; cropped with the setup's margin (`face.margin`), as the loaders crop. */
  readonly box?: FaceBox;
}

/**
 * A trained network ready to score, with its preprocessing and TTA. Two ways in, one scoring code: whole folders go
 * through `scoreSplit` (what validation used), single images are decoded by the data lib's `ttaBatchFromImages`
 * (same pixels as the loader) and scored in batches by `scoreViewBatches` (the model half of `scoreSplit`).
 */
export class Scorer {
  private constructor(
    readonly setup: ScoringSetup,
    readonly engine: EngineInfo,
    private readonly network: BackboneModel,
    readonly views: TtaViewSet,
  ) {}

  /** Selects the engine (the setup's unless `engine` is given), rebuilds the network and loads the weights folder. */
  static async open(setup: ScoringSetup, modelDir: string, options: { engine?: EngineChoice } = {}): Promise<Scorer> {
    const engine = await openEngine(setup.engine, options.engine);
    const views = buildTtaViews(setup.tta.views);
    const network = createModelFromConfig({ backbone: setup.model.backbone, numClasses: setup.model.numClasses, seed: setup.model.seed, options: setup.model.options });
    try {
      const report = await loadPretrained(network, modelDir);
      // a head that does not fit would be silently re-initialised: scores from random weights are worse than none
      if (report.reinitialised.length > 0) throw new UserError(`${modelDir}: the weights do not fit the network (${report.reinitialised.join(', ')} differ)`);
    } catch (err) {
      network.dispose();
      throw err;
    }
    return new Scorer(setup, engine, network, views);
  }

  private folded: FoldedInference | null = null;

  private get model(): TrainableModel {
    // scoring never trains: BatchNorm folded into the convolutions, activations fused (made once, on first use)
    this.folded ??= this.network.inference();
    const folded = this.folded;
    return { apply: (x) => folded.predict(x), trainableVariables: [] };
  }

  /** Scores dataset items in order (a test folder, `dfl predict`'s files): the evaluation path itself. */
  scoreItems(items: readonly DatasetItem[], options: { onBadImage: BadImagePolicy; onProgress?: (done: number) => void; batchSize?: number }): Promise<SplitScores> {
    const { input, tta, model } = this.setup;
    return scoreSplit({ model: this.model, items, input, views: this.views, combine: tta.combine, numClasses: model.numClasses, batchSize: options.batchSize ?? this.setup.batchSize, onBadImage: options.onBadImage, onProgress: options.onProgress });
  }

  /**
   * Decodes images into their TTA views (one Batch per view), each image with a box cropped to it first; throws
   * (naming the image) when one cannot be read, a FaceBoxOutsideError when a box misses its image.
   */
  async decode(images: readonly ImageSource[]): Promise<Batch[]> {
    const margin = this.setup.face.margin;
    await Promise.all(images.map((i) => (i.box ? assertBoxInside({ name: i.name, source: i.source, box: i.box }, margin) : undefined)));
    return ttaBatchFromImages(
      images.map((i) => ({ name: i.name, source: i.source, face: i.box ? { box: i.box, margin } : undefined })),
      this.setup.input,
      this.views,
    );
  }

  /** Scores already decoded images (each a `decode` result) in one model batch, in order. */
  async scoreDecoded(decoded: readonly (readonly Batch[])[]): Promise<Float32Array> {
    const batch = concatViewBatches(decoded);
    async function* once() {
      yield batch;
    }
    const { scores } = await scoreViewBatches(this.model, once(), this.setup.tta.combine, this.setup.model.numClasses);
    return scores;
  }

  dispose(): void {
    this.folded?.dispose();
    this.network.dispose();
  }
}

/**
 * The engine asked for on the command line, else the run's. A package travels: when the run's engine is missing on
 * this machine, the fastest available one scores instead (scores then differ in the last digits, ~1e-5), with a
 * warning, rather than refusing.
 */
async function openEngine(configured: EngineChoice, requested: EngineChoice | undefined): Promise<EngineInfo> {
  if (requested !== undefined || configured === 'auto') return selectEngine(requested ?? configured);
  try {
    return await selectEngine(configured);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const engine = await selectEngine('auto');
    process.stderr.write(`warning: the run's engine '${configured}' is not available here (${err.message.split('\n')[0]}); scoring on ${engine.engine}\n`);
    return engine;
  }
}

/** Stacks several decoded requests (each: one Batch per view) into one Batch per view. */
export function concatViewBatches(decoded: readonly (readonly Batch[])[]): Batch[] {
  if (decoded.length === 0) throw new RangeError('nothing to score');
  const viewCount = decoded[0].length;
  const out: Batch[] = [];
  for (let v = 0; v < viewCount; v++) {
    const parts = decoded.map((d) => d[v]);
    const [, h, w, c] = parts[0].shape;
    const size = parts.reduce((n, p) => n + p.size, 0);
    const images = new Float32Array(size * h * w * c);
    const labels = new Int32Array(size);
    const synthetic = new Uint8Array(size);
    const names: string[] = [];
    let at = 0;
    for (const p of parts) {
      images.set(p.images.subarray(0, p.size * h * w * c), at * h * w * c);
      labels.set(p.labels.subarray(0, p.size), at);
      names.push(...p.names.slice(0, p.size));
      at += p.size;
    }
    out.push({ images, shape: [size, h, w, c as 3], labels, names, synthetic, size });
  }
  return out;
}
