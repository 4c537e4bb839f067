import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { pointerToFieldPath } from '../source/json-pointer';
import type { FieldLoc, SourceLoc, SourceLocations } from '../source/source-locations';

/** One problem in an experiment: where it was written, which field, and what is wrong. */
export interface ConfigIssue {
  /** The file as shown to the user (relative to the working directory when inside it), or `--set k=v`. */
  readonly file: string;
  /** 1-based; absent for `--set` overrides and unreadable files. */
  readonly line?: number;
  readonly col?: number;
  /** Dotted field path (`train.optimizer.lr`, `augment[1].p`); empty for file-level problems. */
  readonly path: string;
  readonly message: string;
}

/** `experiments/x.yaml:12:5 train.optimizer.lr: must be > 0`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.col ?? 1}` : issue.file;
  return `${where} ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/**
 * Every problem found in an experiment, reported at once. A UserError, so the CLI prints the message (one line per
 * issue) without a stack; tests and tools read the structured `issues`.
 */
export class ExperimentConfigError extends UserError {
  readonly issues: readonly ConfigIssue[];

  /** `sourceOrder`: display names of the files and `--set` overrides in the order issues should be listed. */
  constructor(issues: readonly ConfigIssue[], sourceOrder: readonly string[] = []) {
    const sorted = sortIssues(issues, sourceOrder);
    super(sorted.map(formatIssue).join('\n'), 1);
    this.issues = sorted;
    this.name = 'ExperimentConfigError';
  }
}

/** Turns absolute paths into what the user typed relative to: the working directory. */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly cwd: string) {}

  displayFile(loc: SourceLoc): string {
    if (!loc.isFile) return loc.source;
    const rel = path.relative(this.cwd, loc.source);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : loc.source;
  }

  /** Adds an issue at a source location; identical issues (same place, field, message) are kept once. */
  at(loc: SourceLoc, pointer: string, message: string): void {
    const issue: ConfigIssue = {
      file: this.displayFile(loc),
      ...(loc.line !== undefined ? { line: loc.line, col: loc.col } : {}),
      path: pointerToFieldPath(pointer),
      message,
    };
    const key = formatIssue(issue);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push(issue);
  }

  /**
   * Adds an issue about the field at `pointer`, placed at its key (`on: 'key'`, e.g. an unknown key) or its value,
   * falling back to the nearest written ancestor when the field itself came from a default.
   */
  atField(locations: SourceLocations, fallback: SourceLoc, pointer: string, message: string, on: 'key' | 'value' = 'value'): void {
    const found = locations.nearest(pointer);
    this.at(found ? pick(found.loc, found.exact ? on : 'key') : fallback, pointer, message);
  }

  get size(): number {
    return this.issues.length;
  }
}

function pick(loc: FieldLoc, on: 'key' | 'value'): SourceLoc {
  return on === 'key' && loc.key ? loc.key : loc.value;
}

/** In reading order: by source (as given, else in order of first appearance), then line, then column. */
function sortIssues(issues: readonly ConfigIssue[], sourceOrder: readonly string[]): ConfigIssue[] {
  const fileOrder = new Map<string, number>();
  for (const source of sourceOrder) if (!fileOrder.has(source)) fileOrder.set(source, fileOrder.size);
  for (const issue of issues) if (!fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        (fileOrder.get(a.issue.file) as number) - (fileOrder.get(b.issue.file) as number) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.col ?? 0) - (b.issue.col ?? 0) ||
        a.i - b.i,
    )
    .map(({ issue }) => issue);
}
