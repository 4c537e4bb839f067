import { ImageLoadError } from '@dfl/data';
import { UserError } from '@dfl/core';
import type { Batch } from '@dfl/data';
import { FaceBoxOutsideError } from '../predict/check-face-box';
import type { ImageSource, Scorer } from '../predict/scorer';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher';

/** An image the service cannot score; `reason` is what the client is told (HTTP 400). */
export class BadImageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BadImageError';
  }
}

export const DEFAULT_BATCHING: MicroBatcherOptions = { maxBatch: 32, windowMs: 4 };

/**
 * The test API's scoring: each image is decoded on its own (so one bad image fails only its request), then the
 * decoded images of concurrent requests share a model batch. `dfl serve` and promote's parity check both use it.
 */
export class PredictionService {
  private readonly batcher: MicroBatcher<readonly Batch[], number>;

  constructor(
    readonly scorer: Scorer,
    batching: MicroBatcherOptions = DEFAULT_BATCHING,
  ) {
    this.batcher = new MicroBatcher(async (decoded) => Array.from(await scorer.scoreDecoded(decoded)), batching);
  }

  /** Probability that the image (its face crop, given a box) is a deepfake, with the scorer's preprocessing and TTA. */
  async predict(image: ImageSource): Promise<number> {
    let decoded: Batch[];
    try {
      decoded = await this.scorer.decode([image]);
    } catch (err) {
      if (err instanceof ImageLoadError) throw new BadImageError(`${image.name}: ${err.reason}`);
      if (err instanceof FaceBoxOutsideError) throw new BadImageError(err.reason);
      if (err instanceof UserError) throw new BadImageError(clientReason(err.message, image));
      throw err;
    }
    return this.batcher.submit(decoded);
  }

  /** Waits for the requests already accepted to be scored. */
  drain(): Promise<void> {
    return this.batcher.whenIdle();
  }

  stats(): { batches: number; items: number; queued: number } {
    return this.batcher.stats();
  }
}

/**
 * The loader's bad-image error, phrased for an API client: named as the client named the image, without the hint
 * about the experiment's `data.bad_images` setting (which means nothing to a client).
 */
function clientReason(message: string, image: ImageSource): string {
  const source = typeof image.source === 'string' ? image.source : image.name;
  return message.replace(/ \(data\.bad_images:[^)]*\)$/, '').replace(`cannot load image ${source}: `, `${image.name}: `);
}
