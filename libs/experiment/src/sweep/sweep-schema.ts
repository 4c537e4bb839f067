import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, toJsonSchema } from '../schema/schema-helpers';

/*
 * `sweep:` is a file-level directive like `extends`: it says which runs a file stands for, and is not part of any
 * run's config (resolution removes it, so a swept run's stored config and hash are those of that one run).
 */

/** A dotted field path of the experiment (`model.backbone`, `train.optimizer.lr`, `augment`, `augment.0.p`). */
export const SWEEP_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*$';

export const SweepRangeSchema = Type.Object(
  {
    min: Type.Number({ description: 'smallest value drawn' }),
    max: Type.Number({ description: 'largest value drawn' }),
    // no `default`s here: ajv does not fill defaults inside a union (false when absent)
    log: Type.Optional(Type.Boolean({ description: 'draw uniformly in log space (learning rates, weight decay); min must be > 0. Default false' })),
    integer: Type.Optional(Type.Boolean({ description: 'round each draw to an integer. Default false' })),
  },
  { additionalProperties: false, description: 'a range a random search draws from (method: random only)' },
);

// No minItems: inside the union its failure would read "must be a list or a map (got a list)"; expandSweep says it.
export const SweepValuesSchema = Type.Array(Type.Unknown(), {
  description: 'the values the field takes; each may be anything the field accepts (a number, a name, a list of augmentations ...)',
});

export const SweepSchema = Type.Object(
  {
    method: StringEnum(['grid', 'random'] as const, {
      default: 'grid',
      description: 'grid: every combination of the values; random: `samples` draws, each parameter drawn independently',
    }),
    samples: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'number of runs a random search draws (method: random)' })),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'seed of the random search draws' }),
    parameters: Type.Record(Type.String({ pattern: SWEEP_KEY_PATTERN }), Type.Union([SweepValuesSchema, SweepRangeSchema]), {
      minProperties: 1,
      description: 'field path => list of values (grid or random) or {min, max, log, integer} (random)',
    }),
  },
  {
    additionalProperties: false,
    description: 'runs `dfl submit --sweep` enqueues: the file with each combination of these fields set. Not part of a run\'s config.',
  },
);

export type SweepBlock = Static<typeof SweepSchema>;
export type SweepRange = Static<typeof SweepRangeSchema>;

/** The block as JSON Schema, for the file flavour of the experiment schema. */
export function sweepJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(SweepSchema);
  // Fields with a default may be left out of a file (as relaxRequired does for the experiment's own fields).
  schema.required = ['parameters'];
  // TypeBox writes a string-keyed Record as patternProperties; editors and ajv read propertyNames + values better.
  const parameters = (schema.properties as Record<string, Record<string, unknown>>).parameters;
  const patterns = parameters.patternProperties as Record<string, unknown> | undefined;
  if (patterns) {
    const [valueSchema] = Object.values(patterns);
    delete parameters.patternProperties;
    parameters.propertyNames = { pattern: SWEEP_KEY_PATTERN };
    parameters.additionalProperties = valueSchema;
  }
  return schema;
}
