import { Type, type Static, type TSchema, type TProperties, type SchemaOptions } from '@sinclair/typebox';

/**
 * Annotation keywords we add to the generated JSON Schema. Ajv is told about them (they validate nothing);
 * editors ignore them. They let one declaration carry what resolution needs to know about a field.
 */
export const DERIVED = 'x-dfl-derived';
export const PLUGIN = 'x-dfl-plugin';
export const PLUGIN_NAME = 'x-dfl-plugin-name';

/** The five plug-in kinds, keyed as in {@link PluginCatalog}. */
export type PluginKind = 'backbones' | 'augmentations' | 'ttaViews' | 'schedules' | 'optimizers';

/** What a `x-dfl-plugin` annotation says: which registry, which key holds the name, where the options go. */
export interface PluginRefAnnotation {
  readonly kind: PluginKind;
  readonly nameKey: string;
  /** Options live under this key (`model.options`); when absent they sit beside the name (`{name, p, ...}`). */
  readonly optionsKey?: string;
}

/** Plug-in options as the resolved config carries them: whatever the plug-in's own schema declares. */
export type PluginOptions = { readonly [option: string]: unknown };

/** A string restricted to `values` (an `enum`, which gives clearer errors than TypeBox's union of literals). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `T | null` as one JSON type list (`type: [t, 'null']`), so a wrong value gets one error, not an anyOf tree. */
export function Nullable<T extends TSchema>(schema: T, options: SchemaOptions = {}) {
  const plain = toJsonSchema(schema);
  return Type.Unsafe<Static<T> | null>({ ...plain, type: [plain.type, 'null'], ...options });
}

/**
 * A field whose value is filled by resolution when the file omits it (e.g. the image size from the backbone's input
 * config): optional in the file, always present in the resolved config. `why` is shown in the JSON Schema.
 */
export function Derived<T extends TSchema>(schema: T, why: string): T {
  return { ...schema, [DERIVED]: why };
}

/**
 * A plug-in reference whose options sit beside its name, e.g. `{name: hflip, p: 0.5}` or `{name: adam, lr: 1e-3,
 * weight_decay: 0}`. The JSON Schema built with a catalog adds, per registered name, the plug-in's own option schema.
 */
export function FlatPluginRef<P extends TProperties>(kind: PluginKind, properties: P, options: SchemaOptions = {}) {
  const base = Type.Object(properties);
  const annotation: PluginRefAnnotation = { kind, nameKey: 'name' };
  return Type.Unsafe<Static<typeof base> & PluginOptions>({
    ...toJsonSchema(base),
    additionalProperties: true,
    [PLUGIN]: annotation,
    ...options,
  });
}

/** A JSON copy of a TypeBox schema: plain data (TypeBox's symbol keys dropped) that ajv and editors read. */
export function toJsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
