import { attachFaceBoxes, displayedSize, faceCropRect, readFaceBoxCsv, type DatasetItem } from '@dfl/data';
import type { ScoringSetup } from './scoring-setup';

/** How a `--face-boxes` file matched the images being scored. */
export interface FaceBoxUse {
  readonly file: string;
  readonly margin: number;
  /** Images scored as their face crop. */
  readonly cropped: number;
  /** Images with no row in the file: scored whole. */
  readonly withoutBox: number;
  /** Images whose box lies wholly outside them: scored whole (named, up to a few, in the notes). */
  readonly outside: readonly string[];
  /** Rows naming no image being scored. */
  readonly unmatchedRows: number;
}

/**
 * Gives the images being scored (a test folder, `dfl predict`'s files) their face boxes from a CSV read as the
 * training loader reads one (errors name file:line), with the run's margin. A box lying wholly outside its image is
 * dropped, so the image is scored whole as the loader would, and the test API (which refuses such a box) is sent
 * none for it: CSV and API agree.
 */
export async function attachTestFaceBoxes(items: readonly DatasetItem[], file: string, margin: number): Promise<{ items: DatasetItem[]; use: FaceBoxUse }> {
  const match = attachFaceBoxes(items, await readFaceBoxCsv(file), margin);
  const outside: string[] = [];
  const out: DatasetItem[] = [];
  for (const item of match.items) {
    // only the header is read; an unreadable image keeps its box and is reported by the loader
    const size = item.face ? await displayedSize(item.path).catch(() => null) : null;
    if (item.face && size && !faceCropRect(item.face.box, item.face.margin, size.width, size.height)) {
      out.push({ ...item, face: undefined });
      outside.push(item.name);
    } else {
      out.push(item);
    }
  }
  const cropped = out.filter((i) => i.face).length;
  return { items: out, use: { file, margin, cropped, withoutBox: match.withoutBox, outside, unmatchedRows: match.unmatchedRows } };
}

/** One line on how the boxes were used, e.g. `face crops: 14 of 16 images (margin 0.25); 2 without a box scored whole`. */
export function describeFaceBoxUse(use: FaceBoxUse, total: number): string {
  const whole: string[] = [];
  if (use.withoutBox > 0) whole.push(`${use.withoutBox} without a box in ${use.file}`);
  if (use.outside.length > 0) whole.push(`${use.outside.length} whose box lies outside the image (${use.outside.slice(0, 3).join(', ')}${use.outside.length > 3 ? ', ...' : ''})`);
  let line = `face crops: ${use.cropped} of ${total} images (margin ${use.margin})`;
  if (whole.length > 0) line += `; scored whole: ${whole.join(', ')}`;
  if (use.unmatchedRows > 0) line += `; ${use.unmatchedRows} row(s) of ${use.file} name no image being scored`;
  return line;
}

/** The warning when a box file crops none of the images (another split's file, names that differ), else null. */
export function noCropWarning(use: FaceBoxUse, total: number): string | null {
  if (use.cropped > 0 || total === 0) return null;
  return `warning: ${use.file} gives none of the ${total} images a usable box (check its img_name column against the file names): all are scored whole`;
}

/** The warning when a model trained on face crops is about to score whole frames (no box file given), else null. */
export function wholeFrameWarning(setup: ScoringSetup, runId: string): string | null {
  if (!setup.face.trainedOnCrops) return null;
  return `warning: run ${runId} was trained on face crops (data.train.face_boxes) but no --face-boxes file was given: the images are scored whole, which the model never saw in training; give their boxes with --face-boxes FILE (img_name,x1,y1,x2,y2)`;
}
