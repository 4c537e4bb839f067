import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { IssueCollector } from '../errors/config-error';
import { joinPointer } from './json-pointer';
import { SourceLocations, type SourceLoc } from './source-locations';

/** Alias expansions allowed per document: real experiments use a handful; a "billion laughs" file needs millions. */
export const MAX_ALIAS_COUNT = 50;
/** Nesting deeper than this is not an experiment (and would only make a recursive walk expensive). */
const MAX_DEPTH = 64;
/** Keys that would reach an object's prototype if assigned naively. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedSource {
  /** The document as plain JSON data; undefined when the YAML itself is broken. */
  readonly value: unknown;
  readonly locations: SourceLocations;
  /** A broken document's top-level `extends`, when it can still be read: its file is checked too. */
  readonly extendsHint?: string;
}

/**
 * Parses YAML text keeping, for every value, where its key and value were written. Syntax errors, duplicate keys,
 * alias bombs and non-JSON values (binary, NaN, non-string keys) are reported as issues in `issues`, all of them.
 * `source` is an absolute file path, or the `--set` text for an override (then positions are not kept).
 */
export function parseYamlSource(text: string, source: string, issues: IssueCollector, isFile = true): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const locations = new SourceLocations();
  const at = (offset: number | undefined): SourceLoc => {
    if (!isFile || offset === undefined) return { source, isFile };
    const { line, col } = lineCounter.linePos(offset);
    return { source, isFile, line, col };
  };
  if (doc.errors.length) {
    for (const err of doc.errors) issues.at(at(err.pos[0]), '', syntaxMessage(err.code, err.message, text, err.pos));
    const ext = isMap(doc.contents) ? doc.contents.get('extends') : undefined;
    return { value: undefined, locations, extendsHint: typeof ext === 'string' ? ext : undefined };
  }
  // yaml counts alias expansions cheaply before expanding anything, so a bomb fails fast here instead of hanging.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof RangeError) {
      issues.at(at(firstAliasOffset(doc)), '', `too many alias expansions (more than ${MAX_ALIAS_COUNT}): aliases like '*x' are limited so that an "alias bomb" cannot exhaust memory`);
      return { value: undefined, locations };
    }
    throw err;
  }
  const before = issues.size;
  const walk = (node: Node | null | undefined, pointer: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      issues.at(at(node?.range?.[0]), pointer, `nesting deeper than ${MAX_DEPTH} levels`);
      return null;
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return walk(node.resolve(doc) as Node | undefined, pointer, depth + 1);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyValue = isScalar(keyNode) ? keyNode.value : undefined;
        if (typeof keyValue !== 'string' && typeof keyValue !== 'number') {
          issues.at(at(keyNode?.range?.[0]), pointer, 'keys must be plain names (strings)');
          continue;
        }
        const key = String(keyValue);
        const child = joinPointer(pointer, key);
        if (RESERVED_KEYS.has(key)) {
          issues.at(at(keyNode?.range?.[0]), child, `'${key}' is not allowed as a key`);
          continue;
        }
        const valueNode = pair.value as Node | null;
        locations.set(child, { key: at(keyNode?.range?.[0]), value: at(valueNode?.range?.[0] ?? keyNode?.range?.[0]) });
        out[key] = walk(valueNode, child, depth + 1);
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const child = joinPointer(pointer, i);
        const itemNode = item as Node | null;
        locations.set(child, { value: at(itemNode?.range?.[0] ?? node.range?.[0]) });
        return walk(itemNode, child, depth + 1);
      });
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'number') {
        issues.at(at(node.range?.[0]), pointer, `${v} is not allowed: numbers must be finite`);
        return null;
      }
      if (typeof v === 'bigint') return Number(v);
      issues.at(at(node.range?.[0]), pointer, `unsupported YAML value (tag ${node.tag ?? typeof v}): use plain strings, numbers, booleans, lists and maps`);
      return null;
    }
    issues.at(at((node as Node).range?.[0]), pointer, 'unsupported YAML node');
    return null;
  };
  const contents = doc.contents as Node | null;
  locations.set('', { value: at(contents?.range?.[0] ?? 0) });
  const value = walk(contents, '', 0);
  return { value: issues.size > before ? undefined : value, locations };
}

function syntaxMessage(code: string, message: string, text: string, pos: [number, number]): string {
  if (code === 'DUPLICATE_KEY') return `duplicate key '${(/^["']?([^\s:"']+)/.exec(text.slice(pos[0])) ?? ['', '?'])[1]}'`;
  return `invalid YAML: ${message.split('\n')[0]}`;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** Parses one `--set` value as a YAML scalar or flow collection, with the same protections as a file. */
export function parseOverrideValue(text: string, source: string, issues: IssueCollector): { ok: boolean; value: unknown } {
  const before = issues.size;
  const parsed = parseYamlSource(text, source, issues, false);
  return { ok: issues.size === before, value: parsed.value };
}
