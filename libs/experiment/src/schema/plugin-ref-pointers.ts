import { ExperimentSchema } from './experiment-schema';
import { PLUGIN, toJsonSchema, type PluginRefAnnotation } from './schema-helpers';

export interface PluginRefAt extends PluginRefAnnotation {
  /** Keys of the reference itself (name, lr, p ...), as opposed to the plug-in's own options. */
  readonly baseKeys: readonly string[];
}

let cached: ReadonlyMap<string, PluginRefAt> | undefined;

/**
 * JSON Pointers of the plug-in references that sit in maps (`/model`, `/train/optimizer`, `/train/schedule`), not
 * in lists: `extends` needs them, because switching to another plug-in must not inherit the old one's options.
 */
export function pluginRefPointers(): ReadonlyMap<string, PluginRefAt> {
  if (cached) return cached;
  const found = new Map<string, PluginRefAt>();
  const walk = (node: Record<string, unknown>, pointer: string) => {
    const ref = node[PLUGIN] as PluginRefAnnotation | undefined;
    const properties = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    if (ref) found.set(pointer, { ...ref, baseKeys: Object.keys(properties) });
    for (const [key, child] of Object.entries(properties)) walk(child, `${pointer}/${key}`);
  };
  walk(toJsonSchema(ExperimentSchema), '');
  cached = found;
  return found;
}
