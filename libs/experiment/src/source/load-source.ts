import { readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { IssueCollector } from '../errors/config-error';
import { isPlainObject, joinPointer, valueAt } from './json-pointer';
import { pluginRefPointers } from '../schema/plugin-ref-pointers';
import { SourceLocations, type SourceLoc } from './source-locations';
import { parseOverrideValue, parseYamlSource } from './yaml-source';

/** A chain deeper than this is almost certainly a mistake, and bounds the work a malicious file can ask for. */
const MAX_EXTENDS_DEPTH = 16;

export interface LoadedSource {
  /** The merged document (`extends` applied, the key itself removed); undefined if a file could not be parsed. */
  readonly value: Record<string, unknown> | undefined;
  readonly locations: SourceLocations;
  /** Absolute paths: the file first, then what it extends, and so on. */
  readonly files: readonly string[];
}

/**
 * Reads an experiment file and, recursively, the file it `extends` (relative to the extending file). Maps merge key
 * by key with the extending file winning; lists and scalars are replaced whole. Cycles and unreadable files are
 * issues pointing at the `extends` that names them.
 */
export function loadWithExtends(file: string, issues: IssueCollector, readText: (file: string) => string = (f) => readFileSync(f, 'utf8')): LoadedSource {
  const files: string[] = [];
  // Each loaded file's locations, merged with those of the files it extends.
  const merged = new Map<string, SourceLocations>();
  const load = (abs: string, chain: string[], extendedFrom: SourceLoc | undefined): Record<string, unknown> | undefined => {
    const fileLoc: SourceLoc = extendedFrom ?? { source: abs, isFile: true };
    let text: string;
    try {
      text = readText(abs);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      issues.at(fileLoc, extendedFrom ? '/extends' : '', `cannot read ${extendedFrom ? `'${abs}'` : 'the file'}: ${reason}`);
      return undefined;
    }
    files.push(abs);
    const parsed = parseYamlSource(text, abs, issues);
    if (parsed.value === undefined) {
      // Still read the file it extends, so its errors are reported in the same run.
      const hint = parsed.extendsHint && path.resolve(path.dirname(abs), parsed.extendsHint);
      if (hint && !chain.includes(canonicalPath(hint)) && chain.length < MAX_EXTENDS_DEPTH) load(hint, [...chain, canonicalPath(hint)], { source: abs, isFile: true });
      return undefined;
    }
    if (!isPlainObject(parsed.value)) {
      issues.at(parsed.locations.get('')?.value ?? { source: abs, isFile: true }, '', 'expected a map of experiment fields (name, data, model, train ...) at the top level');
      return undefined;
    }
    const doc = parsed.value;
    const ext = doc.extends;
    delete doc.extends;
    const extLoc = parsed.locations.get('/extends');
    parsed.locations.dropBeneath('/extends');
    if (ext === undefined) {
      merged.set(abs, parsed.locations);
      return doc;
    }
    const where = extLoc?.value ?? { source: abs, isFile: true };
    if (typeof ext !== 'string' || ext.length === 0) {
      issues.at(where, '/extends', 'must be a file name (a string), e.g. extends: base.yaml');
      return undefined;
    }
    const parentPath = path.resolve(path.dirname(abs), ext);
    const id = canonicalPath(parentPath);
    if (chain.includes(id)) {
      const cycle = [...chain, id].map((f) => path.basename(f)).join(' -> ');
      issues.at(where, '/extends', `extends cycle: ${cycle}`);
      return undefined;
    }
    if (chain.length >= MAX_EXTENDS_DEPTH) {
      issues.at(where, '/extends', `extends chain longer than ${MAX_EXTENDS_DEPTH} files`);
      return undefined;
    }
    const parent = load(parentPath, [...chain, id], where);
    if (!parent) return undefined;
    const locations = merged.get(parentPath) as SourceLocations;
    const result = deepMerge(parent, doc) as Record<string, unknown>;
    locations.overlay(parsed.locations, (p) => !isPlainObject(valueAt(doc, p)));
    // Drop where values were that the merge removed (a replaced plug-in's options), so no error points there.
    for (const pointer of locations.pointers()) if (pointer !== '' && valueAt(result, pointer) === undefined) locations.delete(pointer);
    merged.set(abs, locations);
    return result;
  };
  const abs = path.resolve(file);
  const value = load(abs, [canonicalPath(abs)], undefined);
  return { value, locations: merged.get(abs) ?? new SourceLocations(), files };
}

function canonicalPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Maps merge key by key (the overlay wins); anything else in the overlay replaces the base value. A plug-in
 * reference that switches to another plug-in (`schedule: {name: cosine}` over `{name: step, step_size: 4}`) keeps
 * the reference's own keys (lr, p, pretrained ...) but not the old plug-in's options.
 */
export function deepMerge(base: unknown, overlay: unknown, pointer = ''): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  const ref = pluginRefPointers().get(pointer);
  if (ref && overlay[ref.nameKey] !== undefined && overlay[ref.nameKey] !== base[ref.nameKey]) {
    if (ref.optionsKey) delete out[ref.optionsKey];
    else for (const key of Object.keys(out)) if (!ref.baseKeys.includes(key)) delete out[key];
  }
  for (const [key, value] of Object.entries(overlay)) out[key] = key in out ? deepMerge(out[key], value, joinPointer(pointer, key)) : value;
  return out;
}

/**
 * Applies `--set a.b=c` overrides: the value is parsed as YAML (so `3` is a number, `[a, b]` a list, `null` null),
 * missing maps on the way are created, list items are addressed by index (`augment.0.p=0.3`). Each overridden
 * field remembers the override as its source, so an invalid value is reported against the `--set` that gave it.
 */
export function applyOverrides(doc: Record<string, unknown>, locations: SourceLocations, overrides: readonly string[], issues: IssueCollector): void {
  for (const text of overrides) {
    const source = `--set ${text}`;
    const loc: SourceLoc = { source, isFile: false };
    const eq = text.indexOf('=');
    const keyPath = eq > 0 ? text.slice(0, eq).trim() : '';
    if (!keyPath || keyPath.split('.').some((s) => s === '')) {
      issues.at(loc, '', "expected key.path=value, e.g. --set train.epochs=3");
      continue;
    }
    const segments = keyPath.split('.');
    if (segments[0] === 'extends') {
      issues.at(loc, '/extends', 'extends cannot be overridden; write a file that extends the other one');
      continue;
    }
    const parsed = parseOverrideValue(text.slice(eq + 1), source, issues);
    if (!parsed.ok) continue;
    let node: unknown = doc;
    let pointer = '';
    let failed = false;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const last = i === segments.length - 1;
      const childPointer = joinPointer(pointer, seg);
      if (Array.isArray(node)) {
        const index = /^\d+$/.test(seg) ? Number(seg) : NaN;
        if (!(index >= 0 && index <= node.length) || (!last && index === node.length)) {
          issues.at(loc, pointer, `has ${node.length} item(s); '${seg}' is not an index of an existing item`);
          failed = true;
          break;
        }
      } else if (!isPlainObject(node)) {
        issues.at(loc, pointer, `is not a map, so it has no key '${seg}'`);
        failed = true;
        break;
      }
      const container = node as Record<string, unknown>;
      if (last) {
        dropOptionsOnSwitch(container, pointer, seg, parsed.value, locations);
        container[seg] = parsed.value;
      } else if (container[seg] === undefined || container[seg] === null) {
        container[seg] = {};
      }
      if (!locations.get(childPointer) || last) locations.set(childPointer, { key: loc, value: loc });
      node = container[seg];
      pointer = childPointer;
    }
    if (!failed) locations.dropBeneath(pointer);
  }
}

/** `--set train.schedule.name=cosine` switches plug-in: the old plug-in's options go, as with `extends`. */
export function dropOptionsOnSwitch(container: Record<string, unknown>, pointer: string, key: string, value: unknown, locations: SourceLocations): void {
  const ref = pluginRefPointers().get(pointer);
  if (!ref || key !== ref.nameKey || container[key] === value) return;
  const dropped = ref.optionsKey ? [ref.optionsKey] : Object.keys(container).filter((k) => !ref.baseKeys.includes(k));
  for (const k of dropped) {
    delete container[k];
    locations.delete(joinPointer(pointer, k));
    locations.dropBeneath(joinPointer(pointer, k));
  }
}
