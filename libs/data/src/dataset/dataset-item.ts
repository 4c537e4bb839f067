import type { FaceCrop } from './face-crop';

/** One image of a dataset. */
export interface DatasetItem {
  /** Absolute (or cwd-relative) path of the image file. */
  readonly path: string;
  /** The name the labels and predictions use (the file name for the challenge layout). */
  readonly name: string;
  /** 1 = deepfake, 0 = real, null = unlabelled (a test set). */
  readonly label: 0 | 1 | null;
  /** Face landmarks as fractions of width and height, when known (SBI then masks their hull). */
  readonly landmarks?: ReadonlyArray<readonly [number, number]>;
  /** The face box (pixels of the displayed image) and margin, when a face-box file gives one: loaders crop it. */
  readonly face?: FaceCrop;
}
