import type { FaceBox, FaceBoxRow } from '../csv/face-box-csv';
import { attachByName } from './attach-by-name';
import type { DatasetItem } from './dataset-item';

/** A face box and the margin to crop around it (see {@link faceCropRect}). */
export interface FaceCrop {
  readonly box: FaceBox;
  readonly margin: number;
}

/** A pixel rectangle for sharp's `extract`. */
export interface CropRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The crop for a face box: each side moved out by `margin` times the box's width (left, right) or height (top,
 * bottom), so margin 0.25 gives a crop 1.5 times the box; then rounded outwards to whole pixels and clipped to the
 * image. A box entirely outside the image gives null (the caller falls back to the whole image).
 */
export function faceCropRect(box: FaceBox, margin: number, imageWidth: number, imageHeight: number): CropRect | null {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const left = Math.max(0, Math.floor(box.x1 - margin * w));
  const top = Math.max(0, Math.floor(box.y1 - margin * h));
  const right = Math.min(imageWidth, Math.ceil(box.x2 + margin * w));
  const bottom = Math.min(imageHeight, Math.ceil(box.y2 + margin * h));
  if (right <= left || bottom <= top) return null;
  return { left, top, width: right - left, height: bottom - top };
}

export interface FaceBoxMatch {
  /** The items, with `face` set where the box file names them. */
  readonly items: DatasetItem[];
  /** Items the box file has no row for: they are used whole. */
  readonly withoutBox: number;
  /** Rows of the box file naming no item of the split (a typo, or another split's image). */
  readonly unmatchedRows: number;
}

/** Gives each item its face box by `img_name` (the item's `name`), with the margin to crop around it. */
export function attachFaceBoxes(items: ReadonlyArray<DatasetItem>, rows: ReadonlyArray<FaceBoxRow>, margin: number): FaceBoxMatch {
  if (!(margin >= 0)) throw new RangeError(`face margin must be >= 0, got ${margin}`);
  const match = attachByName(items, new Map(rows.map((r) => [r.name, r.box])), (item, box) => ({ ...item, face: { box, margin } }));
  return { items: match.items, withoutBox: match.missing, unmatchedRows: match.unmatchedRows };
}
