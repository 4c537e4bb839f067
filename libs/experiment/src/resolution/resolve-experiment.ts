import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ExperimentConfigError, IssueCollector } from '../errors/config-error';
import type { PluginCatalog } from '../plugin-catalog';
import type { ResolvedExperiment } from '../schema/experiment-schema';
import { applyOverrides, loadWithExtends } from '../source/load-source';
import type { SourceLoc, SourceLocations } from '../source/source-locations';
import { experimentValidators, reportSchemaErrors } from '../validation/schema-validator';
import { canonicalJson, deepFreeze, sha256Hex } from './canonical-json';
import { crossFieldChecks } from './cross-field-checks';
import { deriveFields } from './derive-fields';

export interface ResolveOptions {
  /** The plug-in registries names and options are checked against. */
  readonly catalog: PluginCatalog;
  /** `key.path=value` strings (`--set`), applied after `extends`, in order. */
  readonly overrides?: readonly string[];
  /** Where `--set` paths are relative to, and what error file names are shown relative to. Default: process.cwd(). */
  readonly cwd?: string;
}

export interface ExperimentResolution {
  /** The complete, frozen config: everything downstream reads this and nothing else. */
  readonly config: ResolvedExperiment;
  /** `config` as JSON with sorted keys: what a run stores and `reproduce` replays. */
  readonly canonicalJson: string;
  /** SHA-256 (hex) of `canonicalJson`. */
  readonly hash: string;
  /** How the config was put together (not part of the hash: two routes to the same config hash the same). */
  readonly origin: {
    /** Absolute path of the file resolved. */
    readonly file: string;
    /** Absolute paths of the files it extends, nearest first. */
    readonly extends: readonly string[];
    /** The `--set` overrides applied, as given. */
    readonly overrides: readonly string[];
  };
}

/**
 * Resolves an experiment file into a typed, frozen config: parse YAML keeping positions, apply `extends`, apply
 * `--set` overrides, fill defaults, validate (plug-in names and options against the catalog), fill derived fields,
 * run the cross-field checks, freeze. Every problem is collected; if there is any, throws one
 * {@link ExperimentConfigError} listing them all as `file:line:col field: message`.
 */
export function resolveExperiment(file: string, options: ResolveOptions): ExperimentResolution {
  return resolveWith(file, options, (f) => readFileSync(f, 'utf8'));
}

/**
 * Like {@link resolveExperiment}, for text that is not on disk (e.g. a stored canonical config being replayed).
 * `file` names it in errors, gives the default run name, and is what relative paths are relative to.
 */
export function resolveExperimentText(text: string, file: string, options: ResolveOptions): ExperimentResolution {
  const abs = path.resolve(options.cwd ?? process.cwd(), file);
  return resolveWith(abs, options, (f) => (f === abs ? text : readFileSync(f, 'utf8')));
}

/**
 * Edits the merged document before the overrides are applied (a sweep sets its fields here), recording where each
 * value it sets was written so errors point there.
 */
export type PrepareDraft = (draft: Record<string, unknown>, locations: SourceLocations, issues: IssueCollector) => void;

/** The resolution itself; `prepare` is how a sweep resolves each of its runs (see sweep/expand-sweep.ts). */
export function resolveWith(file: string, options: ResolveOptions, readText: (file: string) => string, prepare?: PrepareDraft): ExperimentResolution {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const overrides = [...(options.overrides ?? [])];
  const issues = new IssueCollector(cwd);
  const loaded = loadWithExtends(abs, issues, readText);
  // Issues are listed file by file (the file named first, then what it extends), then override by override.
  const sourceOrder = [...loaded.files.map((f) => issues.displayFile({ source: f, isFile: true })), ...overrides.map((o) => `--set ${o}`)];
  const fail = () => new ExperimentConfigError(issues.issues, sourceOrder);

  if (!loaded.value) throw fail();
  const draft = loaded.value;
  const { locations } = loaded;
  prepare?.(draft, locations, issues);
  applyOverrides(draft, locations, overrides, issues);

  const fallback: SourceLoc = locations.get('')?.value ?? { source: abs, isFile: true, line: 1, col: 1 };
  const validators = experimentValidators(options.catalog);
  if (!validateFillingDefaults(validators.file, draft)) {
    reportSchemaErrors(validators.file.errors ?? [], options.catalog, locations, fallback, issues);
  }
  if (issues.size) throw fail();
  // A file-level directive like `extends` (validated above): which runs the file stands for, not part of a run.
  delete draft.sweep;

  deriveFields(draft, { catalog: options.catalog, locations, file: abs, cwd });
  const config = draft as unknown as ResolvedExperiment;
  for (const { check } of crossFieldChecks()) {
    for (const problem of check(config, options.catalog)) issues.atField(locations, fallback, problem.pointer, problem.message);
  }
  if (issues.size) throw fail();
  // The resolved schema has every field required: a failure here is a bug in derivation, reported all the same.
  if (!validators.resolved(draft)) reportSchemaErrors(validators.resolved.errors ?? [], options.catalog, locations, fallback, issues);
  if (issues.size) throw fail();

  const json = canonicalJson(draft);
  return {
    config: deepFreeze(config),
    canonicalJson: json,
    hash: sha256Hex(json),
    origin: { file: abs, extends: loaded.files.slice(1), overrides },
  };
}

/**
 * Ajv fills a default while validating, but keywords that run before the fill (a plug-in's `if name = X` branch)
 * do not see it: `optimizer: {}` gets `name: adam` only after adam's option defaults were considered. Validating
 * again until nothing changes fills those too (two passes in practice); the last pass's errors are the answer.
 */
function validateFillingDefaults(validate: (data: unknown) => boolean, draft: unknown): boolean {
  let before = JSON.stringify(draft);
  for (let pass = 0; ; pass++) {
    const ok = validate(draft);
    const after = JSON.stringify(draft);
    if (after === before || pass >= 4) return ok;
    before = after;
  }
}
