import type { PluginSpec } from '@dfl/core';

/** A problem a plug-in finds in its own (already schema-valid) options, e.g. sgd's nesterov without momentum. */
export interface PluginOptionProblem {
  /** The option the problem is about; the error points at it. Absent: the whole plug-in entry. */
  readonly option?: string;
  readonly message: string;
}

/**
 * What resolution needs from a plug-in spec. A spec may add a `check` for constraints between its options that a
 * JSON Schema cannot say; everything else (builders, factories) belongs to the lib that owns the registry.
 */
export interface CatalogPluginSpec extends PluginSpec {
  /** Constraints between options; gets the plug-in's entry with defaults filled (method syntax: specs type it). */
  check?(options: Readonly<Record<string, unknown>>): readonly PluginOptionProblem[];
  /** Augmentations: `fake_source` (SBI) makes extra fake samples instead of transforming an image in place. */
  readonly role?: string;
}

/** The input config a backbone declares; resolution copies it into `data` unless the file overrides it. */
export interface CatalogInputConfig {
  readonly size: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly interpolation: string;
}

export interface CatalogBackboneSpec extends CatalogPluginSpec {
  readonly input: CatalogInputConfig;
  /** The smallest input side the architecture accepts. */
  readonly minSize?: number;
}

/** The read side of a `Registry` from @dfl/core, which is what a catalog holds. */
export interface PluginLookup<T extends CatalogPluginSpec = CatalogPluginSpec> {
  readonly kind: string;
  has(name: string): boolean;
  get(name: string): T;
  names(): string[];
  all(): T[];
}

/**
 * The registries resolution checks plug-in names and options against. Injected (the runner builds it from
 * @dfl/models, @dfl/data and @dfl/training) because those libs depend on this one, not the other way round.
 */
export interface PluginCatalog {
  readonly backbones: PluginLookup<CatalogBackboneSpec>;
  readonly augmentations: PluginLookup;
  readonly ttaViews: PluginLookup;
  readonly schedules: PluginLookup;
  readonly optimizers: PluginLookup;
}
