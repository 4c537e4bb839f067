import type { DatasetItem } from '../dataset/dataset-item';
import type { FaceCrop } from '../dataset/face-crop';
import { decodeImage, resizeImage } from '../image/decode';
import type { ImageInputConfig } from '../image/input-config';
import { defaultConcurrency } from '../loader/batch-loader';
import { decodeCropped, ImageLoadError, loadImage } from '../loader/load-image';
import { streamBatches, type BadImagePolicy, type Batch, type SkippedImage } from '../loader/stream-batches';
import type { TtaViewSet } from './tta-views';

export interface TtaLoaderOptions {
  readonly items: ReadonlyArray<DatasetItem>;
  readonly input: ImageInputConfig;
  readonly views: TtaViewSet;
  readonly batchSize: number;
  readonly prefetchBatches?: number;
  readonly concurrency?: number;
  readonly onBadImage?: BadImagePolicy;
  readonly fit?: 'fill' | 'cover';
}

export interface TtaLoader {
  /** Batches in item order; each element is one Batch per view (`views.names`), all over the same images. */
  batches(): AsyncGenerator<Batch[]>;
  skipped(): readonly SkippedImage[];
}

/**
 * The evaluation/prediction loader: no shuffling, no random augmentation; every image is decoded once and
 * rendered under every TTA view. Feed it to the training lib's `predictViews`, then `combineTta` the logits.
 */
export function createTtaLoader(options: TtaLoaderOptions): TtaLoader {
  const { items, input, views, batchSize } = options;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const skipped = new Map<string, SkippedImage>();
  const spare: Float32Array[] = []; // released batch arrays, reused by later batches and later passes
  return {
    batches: () =>
      streamBatches(
        items.map((item) => ({ item, fake: 0, seed: 0 })),
        async ({ item }) => {
          const image = await loadImage(item.path, input.size, input.interpolation, options.fit, item.face);
          const rendered = await views.render(image, input.interpolation);
          return Promise.all(rendered.map((v) => resizeImage(v, input.size, input.size, input.interpolation)));
        },
        {
          input,
          batchSize,
          dropLast: false,
          window: Math.max(concurrency, (options.prefetchBatches ?? 2) * batchSize),
          concurrency,
          policy: options.onBadImage ?? 'error',
          skipped,
        },
        spare,
      ),
    skipped: () => [...skipped.values()],
  };
}

/**
 * The TTA views of images given as bytes or paths (an upload to the test API, one `promote` image), as one Batch
 * per view: the same preprocessing and view code as {@link createTtaLoader}, so the scores agree; an image with a
 * `face` is cropped to it first, as the loaders crop a dataset item's face. An image that cannot be decoded throws a
 * UserError naming it.
 */
export async function ttaBatchFromImages(
  images: ReadonlyArray<{ readonly name: string; readonly source: Buffer | string; readonly face?: FaceCrop }>,
  input: ImageInputConfig,
  views: TtaViewSet,
  fit: 'fill' | 'cover' = 'fill',
): Promise<Batch[]> {
  if (images.length === 0) throw new RangeError('ttaBatchFromImages needs at least one image');
  const sources = new Map(images.map((img, i) => [String(i), img]));
  const items = images.map((img, i) => ({ path: typeof img.source === 'string' ? img.source : img.name, name: img.name, label: null, key: String(i) }));
  const out: Batch[][] = [];
  const stream = streamBatches(
    items.map((item) => ({ item, fake: 0, seed: 0 })),
    async ({ item }) => {
      const { source, face } = sources.get((item as (typeof items)[number]).key) as (typeof images)[number];
      const image = await (typeof source === 'string' ? loadImage(source, input.size, input.interpolation, fit, face) : decodeBytes(item.name, source, input, fit, face));
      const rendered = await views.render(image, input.interpolation);
      return Promise.all(rendered.map((v) => resizeImage(v, input.size, input.size, input.interpolation)));
    },
    { input, batchSize: Math.max(1, images.length), dropLast: false, window: defaultConcurrency(), concurrency: defaultConcurrency(), policy: 'error', skipped: new Map() },
  );
  for await (const batch of stream) out.push(batch);
  return out[0];
}

/** loadImage on bytes: the same sharp pipeline (oriented at input, the face crop if any, flatten, resize). */
async function decodeBytes(name: string, bytes: Buffer, input: ImageInputConfig, fit: 'fill' | 'cover', face?: FaceCrop) {
  try {
    if (face) return (await decodeCropped(bytes, input.size, input.interpolation, fit, face)).image;
    return await decodeImage(bytes, { size: input.size, interpolation: input.interpolation, fit });
  } catch (err) {
    throw new ImageLoadError(name, `not a readable JPEG/PNG/WebP image (${(err as Error).message.split('\n')[0]})`);
  }
}
