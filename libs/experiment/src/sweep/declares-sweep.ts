import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Whether an experiment file itself declares a `sweep:` block. Resolution strips the block (a run's config never
 * holds it), so commands that take one run (`dfl run`, `dfl submit` without --sweep) ask this first and refuse,
 * rather than quietly running the base config.
 */
export function declaresSweep(file: string): boolean {
  try {
    const doc = parse(readFileSync(file, 'utf8')) as unknown;
    return doc !== null && typeof doc === 'object' && 'sweep' in (doc as object);
  } catch {
    return false; // resolution reports unreadable or broken files, with their lines
  }
}
