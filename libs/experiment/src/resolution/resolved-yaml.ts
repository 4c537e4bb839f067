import { Document, isScalar, isSeq, visit } from 'yaml';
import type { ExperimentResolution } from './resolve-experiment';
import { ExperimentSchema } from '../schema/experiment-schema';
import { toJsonSchema } from '../schema/schema-helpers';

type Json = Record<string, unknown>;

/**
 * The resolved config as YAML for people (`dfl show`): keys in the order the format declares them (plug-in options
 * after the plug-in's name), with the hash and origin as a comment header. Valid input to `dfl validate` again.
 */
export function toResolvedYaml(resolution: ExperimentResolution): string {
  const { origin, hash } = resolution;
  const header = [
    `# resolved from ${origin.file}`,
    ...origin.extends.map((f) => `#   extends ${f}`),
    ...origin.overrides.map((o) => `#   --set ${o}`),
    `# sha256 of the canonical JSON: ${hash}`,
  ];
  const ordered = orderLike(resolution.config, toJsonSchema(ExperimentSchema));
  const doc = new Document(ordered);
  // Short lists of numbers or names (mean, std, tags, metrics) read best on one line.
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return `${header.join('\n')}\n${doc.toString({ lineWidth: 0 })}`;
}

function orderLike(value: unknown, schema: Json | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => orderLike(v, schema?.items as Json | undefined));
  if (value === null || typeof value !== 'object') return value;
  const properties = (schema?.properties ?? {}) as Record<string, Json>;
  const declared = Object.keys(properties).filter((k) => k in value);
  const rest = Object.keys(value)
    .filter((k) => !(k in properties))
    .sort();
  const out: Json = {};
  for (const key of [...declared, ...rest]) out[key] = orderLike((value as Json)[key], properties[key]);
  return out;
}
