import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { IssueCollector } from '../errors/config-error';
import { suggestion } from '../errors/did-you-mean';
import type { PluginCatalog } from '../plugin-catalog';
import { buildExperimentJsonSchema } from '../schema/json-schema';
import { DERIVED, PLUGIN, PLUGIN_NAME, type PluginKind } from '../schema/schema-helpers';
import { joinPointer } from '../source/json-pointer';
import type { SourceLoc, SourceLocations } from '../source/source-locations';

export interface ExperimentValidators {
  /** Validates a merged file and fills defaults in place. */
  readonly file: ValidateFunction;
  /** Validates a resolved config (every field present). */
  readonly resolved: ValidateFunction;
}

const cache = new WeakMap<PluginCatalog, { signature: string; validators: ExperimentValidators }>();

/** Compiles the generated schemas once per catalog (and again if plug-ins were registered since). */
export function experimentValidators(catalog: PluginCatalog): ExperimentValidators {
  const signature = (Object.keys(catalog) as PluginKind[]).map((k) => `${k}:${catalog[k].names().join(',')}`).join(';');
  const hit = cache.get(catalog);
  if (hit && hit.signature === signature) return hit.validators;
  const validators = {
    file: makeAjv(true).compile(buildExperimentJsonSchema(catalog, 'file')),
    resolved: makeAjv(false).compile(buildExperimentJsonSchema(catalog, 'resolved')),
  };
  cache.set(catalog, { signature, validators });
  return validators;
}

/**
 * Strict mode catches mistakes in the generated schema, except `strictRequired`: a conditional branch
 * (`if extends ... else required`) names properties declared beside it, which that rule does not look for.
 */
function makeAjv(useDefaults: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false });
  for (const keyword of [DERIVED, PLUGIN, PLUGIN_NAME]) ajv.addKeyword(keyword);
  return ajv;
}

/** Turns ajv's errors into issues placed at the offending key or value, with messages written for people. */
export function reportSchemaErrors(
  errors: readonly ErrorObject[],
  catalog: PluginCatalog,
  locations: SourceLocations,
  fallback: SourceLoc,
  issues: IssueCollector,
): void {
  // An anyOf/oneOf (e.g. TypeBox's union of literals) fails with one error per branch and one for itself: keep
  // only its own, rewritten as "must be one of ..." below.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  for (const err of errors) {
    if (unions.some((prefix) => err.schemaPath.startsWith(prefix))) continue;
    const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
    switch (err.keyword) {
      case 'if':
        break; // the failing `then` branch has reported its own errors
      case 'additionalProperties': {
        const key = String((err.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((parent.properties ?? {}) as object);
        const hint = suggestion(key, known) || (known.length ? `; expected one of: ${known.join(', ')}` : '; no keys are allowed here');
        issues.atField(locations, fallback, joinPointer(err.instancePath, key), `unknown key '${key}'${hint}`, 'key');
        break;
      }
      case 'required': {
        const missing = String((err.params as { missingProperty: string }).missingProperty);
        const found = locations.nearest(err.instancePath);
        const loc = found ? (found.loc.key ?? found.loc.value) : fallback;
        issues.at(loc, joinPointer(err.instancePath, missing), `missing required key '${missing}'`);
        break;
      }
      default:
        issues.atField(locations, fallback, err.instancePath, messageFor(err, parent, catalog));
    }
  }
}

function messageFor(err: ErrorObject, parent: Record<string, unknown>, catalog: PluginCatalog): string {
  const data = err.data;
  const pluginKind = parent[PLUGIN_NAME] as PluginKind | undefined;
  if (pluginKind && typeof data === 'string' && (err.keyword === 'enum' || err.keyword === 'not')) {
    const registry = catalog[pluginKind];
    const names = registry.names();
    const valid = names.length ? `valid: ${names.join(', ')}` : `no ${registry.kind} is registered`;
    return `unknown ${registry.kind} '${data}'${suggestion(data, names)} (${valid})`;
  }
  switch (err.keyword) {
    case 'anyOf':
    case 'oneOf':
      return unionMessage((parent[err.keyword] ?? []) as Record<string, unknown>[], data);
    case 'type':
      return `must be ${String((err.params as { type: string }).type).split(',').map(typeName).join(' or ')} (got ${describe(data)})`;
    case 'enum': {
      const allowed = ((err.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const hint = typeof data === 'string' ? suggestion(data, allowed) : '';
      return `must be one of: ${allowed.join(', ')} (got ${describe(data)})${hint}`;
    }
    case 'const':
      return `must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)} (got ${describe(data)})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'minLength':
    case 'maxLength':
      return `${err.message} (got ${describe(data)})`;
    default:
      return err.message ?? err.keyword;
  }
}

/** One message for a failed union: the allowed constants, or the allowed types. */
function unionMessage(branches: readonly Record<string, unknown>[], data: unknown): string {
  if (branches.length && branches.every((b) => 'const' in b)) {
    const allowed = branches.map((b) => String(b.const));
    return `must be one of: ${allowed.join(', ')} (got ${describe(data)})${typeof data === 'string' ? suggestion(data, allowed) : ''}`;
  }
  const types = branches.flatMap((b) => (b.type === undefined ? [] : [b.type].flat().map(String)));
  if (types.length === branches.length) return `must be ${[...new Set(types)].map(typeName).join(' or ')} (got ${describe(data)})`;
  return `does not match any of the ${branches.length} allowed forms (got ${describe(data)})`;
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    integer: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'a map',
    array: 'a list',
    null: 'null',
  };
  return names[type] ?? type;
}

function describe(data: unknown): string {
  if (typeof data === 'string') return `'${data.length > 40 ? `${data.slice(0, 40)}...` : data}'`;
  if (Array.isArray(data)) return 'a list';
  if (data === null) return 'null';
  if (typeof data === 'object') return 'a map';
  return String(data);
}
