import type { LandmarkPoint, LandmarkRow } from '../csv/landmark-csv';
import { attachByName } from './attach-by-name';
import type { DatasetItem } from './dataset-item';
import { fitBox } from '../image/resample';
import type { CropRect } from './face-crop';

export interface LandmarkMatch {
  /** The items, with `landmarks` set where the landmark file names them. */
  readonly items: DatasetItem[];
  /** Items the file has no row for: SBI masks them with its ellipse. */
  readonly withoutLandmarks: number;
  /** Rows of the file naming no item of the split (a typo, or another split's image). */
  readonly unmatchedRows: number;
}

/** Gives each item its landmarks (pixels of the displayed image) by `img_name` (the item's `name`). */
export function attachLandmarks(items: ReadonlyArray<DatasetItem>, rows: ReadonlyArray<LandmarkRow>): LandmarkMatch {
  const match = attachByName(items, new Map(rows.map((r) => [r.name, r.points])), (item, landmarks) => ({ ...item, landmarks }));
  return { items: match.items, withoutLandmarks: match.missing, unmatchedRows: match.unmatchedRows };
}

/**
 * The part of the displayed image (pixels) that ends up in the loader's square output: the face crop (or the whole
 * image), and with fit `cover` only its centred square: the source box the resize itself takes (`fitBox`).
 */
export function visibleRect(imageWidth: number, imageHeight: number, crop: CropRect | null, fit: 'fill' | 'cover'): CropRect {
  const r = crop ?? { left: 0, top: 0, width: imageWidth, height: imageHeight };
  if (fit === 'fill') return r;
  const box = fitBox(r.width, r.height, 1, 1, 'cover');
  return { left: r.left + box.left, top: r.top + box.top, width: box.right - box.left, height: box.bottom - box.top };
}

/**
 * Landmarks in pixels of the displayed image as fractions (0..1) of `rect`, the region the augmentation sees
 * stretched to its image: (x - left) / width, (y - top) / height. Points outside the region are clamped to its edge,
 * so a hull reaching past a tight face crop follows the crop's border.
 */
export function landmarkFractions(points: ReadonlyArray<LandmarkPoint>, rect: CropRect): Array<[number, number]> {
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  return points.map(([x, y]) => [clamp((x - rect.left) / rect.width), clamp((y - rect.top) / rect.height)]);
}
