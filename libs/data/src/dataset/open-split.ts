import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { readFaceBoxCsv, readLabelCsv, readLandmarkCsv } from '../csv';
import type { DatasetItem } from './dataset-item';
import { attachFaceBoxes } from './face-crop';
import { attachLandmarks } from './landmarks';
import { listImages } from './list-images';

/**
 * challenge: a label CSV (`img_name,target`) naming files in an image folder (`train_label.txt` + `trainset/`),
 *   or no labels (the unlabelled `testset/`);
 * csv: the same with a label file and folder you name;
 * real_fake: the folder holds `real/` and `fake/` (any depth below them); labels come from the folder.
 */
export type DatasetLayout = 'challenge' | 'csv' | 'real_fake';

export interface OpenSplitOptions {
  /** Dataset root; `images` and `labels` are relative to it (or absolute). */
  readonly root: string;
  readonly layout: DatasetLayout;
  /** Image folder of the split (layout real_fake: the folder holding real/ and fake/). */
  readonly images: string;
  /** Label CSV of the split; null/undefined: unlabelled (challenge/csv) or labels from folders (real_fake). */
  readonly labels?: string | null;
  /** Keep only the real images (training from real images alone, with SBI fakes). */
  readonly onlyReal?: boolean;
  /** Face-box CSV (`img_name,x1,y1,x2,y2`, relative to root or absolute): the loaders crop each named image's box. */
  readonly faceBoxes?: string | null;
  /** Margin around each face box, per side as a fraction of the box's width/height (default 0). */
  readonly faceMargin?: number | null;
  /**
   * Landmark CSV (`img_name,x0,y0,x1,y1,...`, pixels of the displayed image; relative to root or absolute): SBI
   * masks the hull of each named image's points instead of its ellipse.
   */
  readonly landmarks?: string | null;
}

/** How the face-box file matched the split. */
export interface FaceBoxSummary {
  readonly file: string;
  readonly withBox: number;
  /** Images with no row in the file: used whole (the run reports how many). */
  readonly withoutBox: number;
  /** Rows naming no image of the split. */
  readonly unmatchedRows: number;
}

/** How the landmark file matched the split. */
export interface LandmarkSummary {
  readonly file: string;
  readonly withLandmarks: number;
  /** Images with no row in the file: SBI masks them with its ellipse. */
  readonly withoutLandmarks: number;
  /** Rows naming no image of the split. */
  readonly unmatchedRows: number;
}

export interface DatasetSplit {
  readonly layout: DatasetLayout;
  readonly imagesDir: string;
  readonly labelsFile: string | null;
  readonly items: readonly DatasetItem[];
  /** Null without a face-box file. */
  readonly faces: FaceBoxSummary | null;
  /** Null without a landmark file. */
  readonly landmarks: LandmarkSummary | null;
}

/** Lists the images and labels of one split. Missing image files are left to the loader's bad-image policy. */
export async function openSplit(options: OpenSplitOptions): Promise<DatasetSplit> {
  const imagesDir = path.resolve(options.root, options.images);
  await requireDir(imagesDir, `image folder of the split (layout ${options.layout})`);
  const labelsFile = options.labels ? path.resolve(options.root, options.labels) : null;
  let items: DatasetItem[];
  if (options.layout === 'real_fake') {
    if (labelsFile) throw new UserError(`layout real_fake takes its labels from the real/ and fake/ folders; remove the label file ${labelsFile}`);
    items = await realFakeItems(imagesDir);
  } else if (labelsFile) {
    const rows = await readLabelCsv(labelsFile);
    items = rows.map((r) => ({ path: path.join(imagesDir, r.name), name: r.name, label: r.target }));
  } else {
    if (options.layout === 'csv') throw new UserError(`layout csv needs a label file for the split with images in ${imagesDir}`);
    items = (await listImages(imagesDir)).map((name) => ({ path: path.join(imagesDir, name), name, label: null }));
  }
  const listed = new Set(items.map((i) => i.name));
  if (options.onlyReal) items = items.filter((i) => i.label === 0);
  let faces: FaceBoxSummary | null = null;
  if (options.faceBoxes) {
    const file = path.resolve(options.root, options.faceBoxes);
    const match = attachFaceBoxes(items, await readFaceBoxCsv(file), options.faceMargin ?? 0);
    items = match.items;
    faces = { file, withBox: items.length - match.withoutBox, withoutBox: match.withoutBox, unmatchedRows: match.unmatchedRows };
  }
  let landmarks: LandmarkSummary | null = null;
  if (options.landmarks) {
    const file = path.resolve(options.root, options.landmarks);
    const rows = await readLandmarkCsv(file);
    const match = attachLandmarks(items, rows);
    items = match.items;
    // a row for a fake left out by onlyReal still names an image of the split
    const unmatchedRows = rows.filter((r) => !listed.has(r.name)).length;
    landmarks = { file, withLandmarks: items.length - match.withoutLandmarks, withoutLandmarks: match.withoutLandmarks, unmatchedRows };
  }
  return { layout: options.layout, imagesDir, labelsFile, items, faces, landmarks };
}

async function realFakeItems(dir: string): Promise<DatasetItem[]> {
  const items: DatasetItem[] = [];
  let found = 0;
  for (const [sub, label] of [['real', 0], ['fake', 1]] as const) {
    const subDir = path.join(dir, sub);
    if (!(await isDir(subDir))) continue;
    found++;
    for (const rel of await listImages(subDir)) items.push({ path: path.join(subDir, rel), name: `${sub}/${rel}`, label });
  }
  if (found === 0) throw new UserError(`layout real_fake: ${dir} has neither a real/ nor a fake/ folder`);
  return items;
}

async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function requireDir(p: string, what: string): Promise<void> {
  if (!(await isDir(p))) throw new UserError(`${what} not found: ${p}`);
}
