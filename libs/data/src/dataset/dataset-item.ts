import type { FaceCrop } from './face-crop';

/** One image of a dataset. */
export interface DatasetItem {
  /** Absolute (or cwd-relative) path of the image file. */
  readonly path: string;
  /** The name the labels and predictions use (the file name for the challenge layout). */
  readonly name: string;
  /** 1 = deepfake, 0 = real, null = unlabelled (a test set). */
  readonly label: 0 | 1 | null;
  /**
   * Face landmarks in pixels of the displayed image (after its EXIF orientation), when a landmark file gives them:
   * the loader turns them into fractions of the image the augmentation sees, and SBI masks their hull.
   */
  readonly landmarks?: ReadonlyArray<readonly [number, number]>;
  /** The face box (pixels of the displayed image) and margin, when a face-box file gives one: loaders crop it. */
  readonly face?: FaceCrop;
}
