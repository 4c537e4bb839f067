import type { PluginCatalog } from '../plugin-catalog';
import { sweepJsonSchema } from '../sweep/sweep-schema';
import { ExperimentSchema } from './experiment-schema';
import { DERIVED, PLUGIN, PLUGIN_NAME, toJsonSchema, type PluginKind, type PluginRefAnnotation } from './schema-helpers';

type Json = Record<string, unknown>;

/** `file`: what a YAML file may say (defaulted and derived fields optional); `resolved`: what resolution returns. */
export type SchemaFlavour = 'file' | 'resolved';

/**
 * The experiment JSON Schema, generated from the TypeBox declaration. With a catalog, every plug-in name becomes an
 * enum of the registered names and, per name, an `if name = X then <X's option schema>` branch, so editors complete
 * plug-in options and ajv validates them with the plug-in's own schema (unknown options included).
 */
export function buildExperimentJsonSchema(catalog?: PluginCatalog, flavour: SchemaFlavour = 'file'): Json {
  const schema = transform(toJsonSchema(ExperimentSchema), catalog, flavour);
  const out: Json = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
  if (flavour === 'file') {
    // A file that extends another may leave out required sections (the other file has them): editors should not
    // flag it. Resolution validates the merged document, which has no `extends`, so the sections stay required.
    if (out.required) {
      out.if = { required: ['extends'] };
      out.else = { required: out.required };
      delete out.required;
    }
    const properties = out.properties as Json;
    out.properties = {
      extends: {
        type: 'string',
        minLength: 1,
        description: 'a YAML file (relative to this one) whose settings this file inherits and overrides; maps merge key by key, lists are replaced',
      },
      ...properties,
      sweep: sweepJsonSchema(),
    };
  }
  return out;
}

function transform(node: unknown, catalog: PluginCatalog | undefined, flavour: SchemaFlavour): Json {
  if (Array.isArray(node)) return node.map((n) => transform(n, catalog, flavour)) as unknown as Json;
  if (!node || typeof node !== 'object') return node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    // `default` and `const`/`enum` values are data, not schemas: copy them as they are.
    out[key] = key === 'default' || key === 'enum' || key === 'const' ? value : transform(value, catalog, flavour);
  }
  if (flavour === 'file') relaxRequired(out);
  const ref = out[PLUGIN] as PluginRefAnnotation | undefined;
  if (ref && catalog) expandPluginRef(out, ref, catalog, flavour);
  return out;
}

/** A file may omit a field that has a default or is derived; ajv fills defaults before checking `required`. */
function relaxRequired(node: Json): void {
  const properties = node.properties as Record<string, Json> | undefined;
  const required = node.required as string[] | undefined;
  if (!properties || !required) return;
  const kept = required.filter((k) => !(properties[k] && ('default' in properties[k] || DERIVED in properties[k])));
  if (kept.length) node.required = kept;
  else delete node.required;
}

function expandPluginRef(node: Json, ref: PluginRefAnnotation, catalog: PluginCatalog, flavour: SchemaFlavour): void {
  const registry = catalog[ref.kind];
  const properties = node.properties as Record<string, Json>;
  const names = registry.names();
  const nameSchema: Json = { ...properties[ref.nameKey], [PLUGIN_NAME]: ref.kind };
  // An empty registry cannot be an `enum` (JSON Schema wants at least one value); `not: {}` rejects every name.
  if (names.length) nameSchema.enum = names;
  else nameSchema.not = {};
  node.properties = { ...properties, [ref.nameKey]: nameSchema };
  const branches = registry.all().map((spec) => {
    const declared = transform(toJsonSchema(spec.options), undefined, flavour);
    // Unknown options are errors (with a suggestion) unless the plug-in explicitly allows extra keys.
    const options = { ...declared, additionalProperties: declared.additionalProperties ?? false };
    const then = ref.optionsKey
      ? { properties: { [ref.optionsKey]: { ...options, description: spec.description } } }
      : flattenOptions(options, Object.keys(properties), ref.kind, spec.name, spec.description);
    return { if: { properties: { [ref.nameKey]: { const: spec.name } }, required: [ref.nameKey] }, then };
  });
  if (branches.length) node.allOf = branches;
}

/** `{name, p, ...options}`: the branch lists the base keys and the plug-in's options, and nothing else. */
function flattenOptions(options: Json, baseKeys: string[], kind: PluginKind, name: string, description: string): Json {
  const own = (options.properties ?? {}) as Json;
  for (const key of Object.keys(own)) {
    if (baseKeys.includes(key)) throw new Error(`${kind} '${name}' declares option '${key}', which is a reserved key`);
  }
  const branch: Json = {
    description,
    properties: { ...Object.fromEntries(baseKeys.map((k) => [k, true])), ...own },
    additionalProperties: options.additionalProperties,
  };
  if (options.required) branch.required = options.required;
  return branch;
}
