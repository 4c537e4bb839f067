import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SeededRandom } from '@dfl/core';
import { ExperimentConfigError, formatIssue, IssueCollector, type ConfigIssue } from '../errors/config-error';
import { resolveWith, type ExperimentResolution, type ResolveOptions } from '../resolution/resolve-experiment';
import { dropOptionsOnSwitch, loadWithExtends } from '../source/load-source';
import { isPlainObject, joinPointer } from '../source/json-pointer';
import type { SourceLoc, SourceLocations } from '../source/source-locations';
import type { SweepBlock, SweepRange } from './sweep-schema';

/** One run of a sweep: the values it sets and its resolved config. */
export interface SweepPoint {
  /** 0-based position in the sweep (grid: the first parameter varies slowest). */
  readonly index: number;
  /** Field path => value this run sets. */
  readonly params: Readonly<Record<string, unknown>>;
  /** `backbone=tiny_cnn,lr=0.001`: what tells this run from the others (also appended to its name). */
  readonly label: string;
  readonly resolution: ExperimentResolution;
}

export interface SweepExpansion {
  readonly method: 'grid' | 'random';
  readonly seed: number;
  /** Absolute path of the file. */
  readonly file: string;
  readonly points: readonly SweepPoint[];
}

export interface ExpandOptions extends ResolveOptions {
  /** Refuse sweeps larger than this (default 1000): a typo in a grid should not enqueue a million runs. */
  readonly maxRuns?: number;
}

/** Where a value a run takes was written: its sweep parameter, or its item in the parameter's list. */
interface Choice {
  readonly key: string;
  readonly value: unknown;
  /** Pointer of the written value in the file (`/sweep/parameters/train.optimizer.lr/1`). */
  readonly pointer: string;
  /** Position in the parameter's list (grid or random choice); null for a drawn number. */
  readonly item: number | null;
}

/**
 * Expands a file's `sweep:` block into its runs and resolves every one of them exactly like a file, before anything
 * else happens: if any run is invalid, throws one {@link ExperimentConfigError} with every problem (placed at the
 * sweep value that caused it, and naming the runs it affects), so a sweep is enqueued whole or not at all.
 */
export function expandSweep(file: string, options: ExpandOptions): SweepExpansion {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const texts = new Map<string, string>();
  const readText = (f: string): string => {
    if (!texts.has(f)) texts.set(f, readFileSync(f, 'utf8'));
    return texts.get(f) as string;
  };
  // The base (file + extends + overrides, the sweep block checked by the file schema): its own errors come first.
  resolveWith(abs, options, readText);
  const issues = new IssueCollector(cwd);
  const loaded = loadWithExtends(abs, issues, readText);
  const sweep = loaded.value?.sweep as SweepBlock | undefined;
  const fileLoc: SourceLoc = { source: abs, isFile: true, line: 1, col: 1 };
  if (!sweep) {
    issues.at(fileLoc, '', 'has no sweep: block (add one, or submit it without --sweep)');
    throw new ExperimentConfigError(issues.issues);
  }
  const locations = loaded.locations;
  const where = (pointer: string): SourceLoc => locations.get(pointer)?.value ?? locations.nearest(pointer)?.loc.value ?? fileLoc;
  const method = sweep.method ?? 'grid';
  const seed = sweep.seed ?? 0;
  const keys = Object.keys(sweep.parameters);
  const paramPointer = (key: string) => joinPointer('/sweep/parameters', key);

  for (const key of keys) {
    const spec = sweep.parameters[key];
    if (key.split('.')[0] === 'sweep' || key.split('.')[0] === 'extends') issues.at(where(paramPointer(key)), paramPointer(key), `'${key}' cannot be swept`);
    if (Array.isArray(spec) && spec.length === 0) issues.at(where(paramPointer(key)), paramPointer(key), 'needs at least one value');
    if (!Array.isArray(spec)) {
      if (method === 'grid') issues.at(where(paramPointer(key)), paramPointer(key), 'a {min, max} range needs method: random; a grid takes a list of values');
      else if (spec.min > spec.max) issues.at(where(paramPointer(key)), paramPointer(key), `min (${spec.min}) must be <= max (${spec.max})`);
      else if (spec.log && spec.min <= 0) issues.at(where(paramPointer(key)), paramPointer(key), `log: true needs min > 0 (got ${spec.min})`);
    }
    for (const other of keys) {
      if (other !== key && other.startsWith(`${key}.`)) issues.at(where(paramPointer(other)), paramPointer(other), `is inside '${key}', which is swept too`);
    }
    for (const override of options.overrides ?? []) {
      const target = override.slice(0, Math.max(0, override.indexOf('='))).trim();
      if (target === key || target.startsWith(`${key}.`) || key.startsWith(`${target}.`)) {
        issues.at({ source: `--set ${override}`, isFile: false }, paramPointer(key), `sets a field the sweep varies (${key}); drop the override or the parameter`);
      }
    }
  }
  if (method === 'random' && sweep.samples === undefined) issues.at(where('/sweep'), '/sweep/samples', 'method: random needs samples (the number of runs to draw)');
  if (issues.size) throw new ExperimentConfigError(issues.issues);

  const combos = method === 'grid' ? gridChoices(sweep, keys, paramPointer) : randomChoices(sweep, keys, paramPointer, seed);
  const maxRuns = options.maxRuns ?? 1000;
  if (combos.length > maxRuns) {
    issues.at(where('/sweep'), '/sweep', `expands to ${combos.length} runs, more than the limit of ${maxRuns}`);
    throw new ExperimentConfigError(issues.issues);
  }

  // Every run is resolved; identical problems from several runs are reported once, naming the runs.
  const problems = new Map<string, { issue: ConfigIssue; runs: number[] }>();
  const points: SweepPoint[] = [];
  combos.forEach((choices, index) => {
    const label = labelOf(choices);
    try {
      const resolution = resolveWith(abs, options, readText, (draft, locs, collector) => {
        for (const choice of choices) assign(draft, locs, choice, where(choice.pointer), locations, collector);
        if (!('name' in sweep.parameters)) nameRun(draft, locs, label, abs, where('/sweep'));
      });
      points.push({ index, params: Object.fromEntries(choices.map((c) => [c.key, c.value])), label, resolution });
    } catch (err) {
      if (!(err instanceof ExperimentConfigError)) throw err;
      for (const issue of err.issues) {
        const key = formatIssue(issue);
        const seen = problems.get(key) ?? { issue, runs: [] };
        seen.runs.push(index + 1);
        problems.set(key, seen);
      }
    }
  });
  if (problems.size) {
    const all = [...problems.values()].map(({ issue, runs }) => ({
      ...issue,
      message: runs.length === combos.length ? `${issue.message} (every sweep run)` : `${issue.message} (sweep run${runs.length > 1 ? 's' : ''} ${runs.join(', ')} of ${combos.length})`,
    }));
    throw new ExperimentConfigError(all);
  }
  return { method, seed, file: abs, points };
}

function gridChoices(sweep: SweepBlock, keys: string[], pointerOf: (k: string) => string): Choice[][] {
  let combos: Choice[][] = [[]];
  for (const key of keys) {
    const values = sweep.parameters[key] as unknown[];
    combos = combos.flatMap((combo) => values.map((value, i) => [...combo, { key, value, pointer: joinPointer(pointerOf(key), i), item: i }]));
  }
  return combos;
}

function randomChoices(sweep: SweepBlock, keys: string[], pointerOf: (k: string) => string, seed: number): Choice[][] {
  const rng = new SeededRandom(seed);
  const combos: Choice[][] = [];
  for (let n = 0; n < (sweep.samples ?? 0); n++) {
    combos.push(
      keys.map((key) => {
        const spec = sweep.parameters[key];
        if (Array.isArray(spec)) {
          const i = rng.int(spec.length);
          return { key, value: spec[i], pointer: joinPointer(pointerOf(key), i), item: i };
        }
        return { key, value: draw(spec, rng), pointer: pointerOf(key), item: null };
      }),
    );
  }
  return combos;
}

function draw(range: SweepRange, rng: SeededRandom): number {
  const x = range.log ? Math.exp(rng.uniform(Math.log(range.min), Math.log(range.max))) : rng.uniform(range.min, range.max);
  // 6 significant digits: a drawn lr of 0.000316228 reads better than 0.00031622776601683794 and loses nothing
  return range.integer ? Math.round(x) : Number(x.toPrecision(6));
}

/**
 * Sets one swept field in the draft, creating maps on the way, and records the sweep value's position (and the
 * positions of everything inside it) as the field's source, so an invalid value is reported at the sweep's line.
 */
function assign(draft: Record<string, unknown>, locations: SourceLocations, choice: Choice, at: SourceLoc, fileLocations: SourceLocations, issues: IssueCollector): void {
  const segments = choice.key.split('.');
  let node: unknown = draft;
  let pointer = '';
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    const child = joinPointer(pointer, seg);
    if (Array.isArray(node)) {
      const index = /^\d+$/.test(seg) ? Number(seg) : NaN;
      if (!(index >= 0 && index < node.length)) {
        issues.at(at, pointer, `has ${node.length} item(s); '${seg}' (from sweep parameter '${choice.key}') is not an index of an existing item`);
        return;
      }
    } else if (!isPlainObject(node)) {
      issues.at(at, pointer, `is not a map, so the sweep parameter '${choice.key}' cannot set '${seg}' in it`);
      return;
    }
    const container = node as Record<string, unknown>;
    if (last) {
      dropOptionsOnSwitch(container, pointer, seg, choice.value, locations);
      container[seg] = structuredClone(choice.value);
      locations.set(child, { key: at, value: at });
      locations.dropBeneath(child);
      // Positions inside a structured value (a list of augmentations) come from where it was written in the sweep.
      const prefix = `${choice.pointer}/`;
      for (const p of fileLocations.pointers()) {
        if (p.startsWith(prefix)) locations.set(child + p.slice(choice.pointer.length), fileLocations.get(p)!);
      }
    } else if (container[seg] === undefined || container[seg] === null) {
      container[seg] = {};
      if (!locations.get(child)) locations.set(child, { key: at, value: at });
    }
    node = container[seg];
    pointer = child;
  }
}

/** A swept run is named after the file's run name and what it varies, so runs of a sweep tell apart in a list. */
function nameRun(draft: Record<string, unknown>, locations: SourceLocations, label: string, file: string, at: SourceLoc): void {
  const base = typeof draft.name === 'string' && draft.name ? draft.name : path.basename(file).replace(/\.ya?ml$/i, '');
  draft.name = `${base}[${label}]`.slice(0, 200);
  if (!locations.get('/name')) locations.set('/name', { key: at, value: at });
}

function labelOf(choices: readonly Choice[]): string {
  return choices
    .map((c) => {
      const short = c.key.split('.').filter((s) => !/^\d+$/.test(s)).pop() ?? c.key;
      const shown = c.value === null || typeof c.value !== 'object' ? String(c.value) : `#${(c.item ?? 0) + 1}`;
      return `${short}=${shown}`;
    })
    .join(',');
}
