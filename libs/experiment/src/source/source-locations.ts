import { parentPointer } from './json-pointer';

/** Where something was written: a file (with 1-based line and column) or a `--set` override (no position). */
export interface SourceLoc {
  /** Absolute file path, or the override text (`--set train.epochs=3`). */
  readonly source: string;
  readonly isFile: boolean;
  readonly line?: number;
  readonly col?: number;
}

/** The key and the value of one field as they were written. */
export interface FieldLoc {
  readonly key?: SourceLoc;
  readonly value: SourceLoc;
}

/**
 * Maps each JSON Pointer of a config to where its key and value were written. When a file extends another, the
 * child's entries replace the parent's (and a replaced list or scalar drops the parent's entries beneath it), so an
 * error always points at the file where the offending value came from.
 */
export class SourceLocations {
  private readonly entries = new Map<string, FieldLoc>();

  set(pointer: string, loc: FieldLoc): void {
    this.entries.set(pointer, loc);
  }

  get(pointer: string): FieldLoc | undefined {
    return this.entries.get(pointer);
  }

  /** The entry for `pointer`, or for its nearest written ancestor (a defaulted value points at its parent). */
  nearest(pointer: string): { loc: FieldLoc; exact: boolean } | undefined {
    let p = pointer;
    for (;;) {
      const loc = this.entries.get(p);
      if (loc) return { loc, exact: p === pointer };
      if (p === '') return undefined;
      p = parentPointer(p);
    }
  }

  delete(pointer: string): void {
    this.entries.delete(pointer);
  }

  /** Drops every entry strictly beneath `pointer` (its value was replaced whole). */
  dropBeneath(pointer: string): void {
    const prefix = `${pointer}/`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /**
   * Lays `child` over this map. `replacesWhole(pointer)` says whether the child's value at `pointer` replaces the
   * parent's value entirely (a scalar or a list) rather than merging into it (a map).
   */
  overlay(child: SourceLocations, replacesWhole: (pointer: string) => boolean): void {
    for (const pointer of child.entries.keys()) {
      if (pointer !== '' && replacesWhole(pointer)) this.dropBeneath(pointer);
    }
    // The child's document root wins too: a missing required section is reported in the file the user ran.
    for (const [pointer, loc] of child.entries) this.entries.set(pointer, loc);
  }

  pointers(): string[] {
    return [...this.entries.keys()];
  }
}
