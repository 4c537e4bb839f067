import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { defaultConcurrency } from '../loader/batch-loader';
import { orderedMap } from '../loader/ordered-map';
import { createProgress, type ProgressOptions } from '../progress/progress';
import type { DatasetItem } from './dataset-item';

/** One image as the manifest records it. `size` is -1 when the file is missing. */
export interface ManifestEntry {
  readonly name: string;
  readonly size: number;
  readonly label: 0 | 1 | null;
  /** The face crop `x1,y1,x2,y2,margin` when a face-box file gives one (it changes what the model sees). */
  readonly face?: string;
  /** The first 16 hex digits of a SHA-256 over the landmarks `x,y;x,y;...` when a landmark file gives them. */
  readonly landmarks?: string;
}

/**
 * What a run records about the data it saw: the list of (name, size, label) and its SHA-256, and on request a
 * SHA-256 over the image bytes too (slower: reads every file). Entries are sorted by name, so listing order does
 * not change the hash.
 */
export interface DatasetManifest {
  readonly count: number;
  readonly reals: number;
  readonly fakes: number;
  readonly unlabelled: number;
  readonly missing: number;
  readonly totalBytes: number;
  /**
   * SHA-256 (hex) over the `name \t size \t label` lines (`\t face` appended for an image with a face box,
   * `\t L:landmarks` for an image with landmarks).
   */
  readonly sha256: string;
  /** SHA-256 (hex) over the names and each file's own SHA-256; null unless asked for. */
  readonly contentSha256: string | null;
  readonly entries: readonly ManifestEntry[];
}

export interface ManifestOptions extends ProgressOptions {
  /** Also hash the bytes of every image. */
  readonly hashContent?: boolean;
  readonly concurrency?: number;
  /** Label of the progress bar. */
  readonly label?: string;
}

export async function buildManifest(items: readonly DatasetItem[], options: ManifestOptions = {}): Promise<DatasetManifest> {
  const sorted = [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const concurrency = options.concurrency ?? defaultConcurrency() * 4;
  const progress = createProgress(options.label ?? (options.hashContent ? 'hashing images' : 'scanning images'), sorted.length, options);
  const listHash = createHash('sha256');
  const contentHash = options.hashContent ? createHash('sha256') : null;
  const entries: ManifestEntry[] = [];
  let totalBytes = 0;
  try {
    const work = async (item: DatasetItem) => {
      const size = await fs.stat(item.path).then((s) => s.size, () => -1);
      const digest = contentHash && size >= 0 ? await hashFile(item.path) : null;
      return { size, digest };
    };
    for await (const r of orderedMap(sorted, work, concurrency * 4, concurrency)) {
      if (!r.ok) throw r.error;
      const item = r.input;
      const face = item.face ? [item.face.box.x1, item.face.box.y1, item.face.box.x2, item.face.box.y2, item.face.margin].join(',') : undefined;
      const landmarks = item.landmarks ? landmarkDigest(item.landmarks) : undefined;
      const entry: ManifestEntry = { name: item.name, size: r.value.size, label: item.label, ...(face ? { face } : {}), ...(landmarks ? { landmarks } : {}) };
      entries.push(entry);
      if (entry.size > 0) totalBytes += entry.size;
      // without face boxes the line (and so the hash of data recorded before boxes existed) is unchanged
      listHash.update(`${entry.name}\t${entry.size}\t${entry.label ?? ''}${face ? `\t${face}` : ''}${landmarks ? `\tL:${landmarks}` : ''}\n`);
      contentHash?.update(`${entry.name}\t${r.value.digest ?? 'missing'}\n`);
      progress.tick();
    }
  } finally {
    progress.stop();
  }
  return {
    count: entries.length,
    reals: entries.filter((e) => e.label === 0).length,
    fakes: entries.filter((e) => e.label === 1).length,
    unlabelled: entries.filter((e) => e.label === null).length,
    missing: entries.filter((e) => e.size < 0).length,
    totalBytes,
    sha256: listHash.digest('hex'),
    contentSha256: contentHash ? contentHash.digest('hex') : null,
    entries,
  };
}

/** A short digest of an image's landmarks: entries stay small with hundreds of points per image. */
function landmarkDigest(points: ReadonlyArray<readonly [number, number]>): string {
  return createHash('sha256')
    .update(points.map(([x, y]) => `${x},${y}`).join(';'))
    .digest('hex')
    .slice(0, 16);
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** What changed between a recorded manifest and the data now: empty when they agree. For `reproduce`. */
export function diffManifests(recorded: DatasetManifest, current: DatasetManifest): string[] {
  const changes: string[] = [];
  const before = new Map(recorded.entries.map((e) => [e.name, e]));
  const after = new Map(current.entries.map((e) => [e.name, e]));
  const added = [...after.keys()].filter((n) => !before.has(n));
  const removed = [...before.keys()].filter((n) => !after.has(n));
  const relabelled = [...after.values()].filter((e) => before.has(e.name) && before.get(e.name)?.label !== e.label).map((e) => e.name);
  const resized = [...after.values()].filter((e) => before.has(e.name) && before.get(e.name)?.size !== e.size).map((e) => e.name);
  const list = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? `, ... (${names.length} in all)` : '');
  if (added.length) changes.push(`${added.length} image(s) added: ${list(added)}`);
  if (removed.length) changes.push(`${removed.length} image(s) removed: ${list(removed)}`);
  if (relabelled.length) changes.push(`${relabelled.length} label(s) changed: ${list(relabelled)}`);
  if (resized.length) changes.push(`${resized.length} file size(s) changed: ${list(resized)}`);
  const relandmarked = [...after.values()].filter((e) => before.has(e.name) && before.get(e.name)?.landmarks !== e.landmarks).map((e) => e.name);
  if (relandmarked.length) changes.push(`${relandmarked.length} image(s) with other landmarks (data.train.landmarks): ${list(relandmarked)}`);
  if (changes.length === 0 && recorded.sha256 !== current.sha256) changes.push('the image list differs');
  if (changes.length === 0 && recorded.contentSha256 && current.contentSha256 && recorded.contentSha256 !== current.contentSha256) {
    changes.push('image bytes changed (same names, sizes and labels)');
  }
  return changes;
}
