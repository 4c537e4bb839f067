import type { TSchema } from '@sinclair/typebox';

/** What every plug-in (backbone, augmentation, TTA view, schedule, optimizer) declares about itself. */
export interface PluginSpec<TOptions extends TSchema = TSchema> {
  /** The name users write in the YAML. */
  readonly name: string;
  /** One line for `dfl schema`, `--help` listings and error messages. */
  readonly description: string;
  /** JSON Schema (TypeBox) of the plug-in's own options: the experiment config validates them with it. */
  readonly options: TOptions;
}

/** Thrown when a name is not registered; lists the valid names so the message can be shown as is. */
export class UnknownPluginError extends Error {
  constructor(
    readonly kind: string,
    readonly requested: string,
    readonly valid: readonly string[],
  ) {
    super(`unknown ${kind} '${requested}'; valid: ${valid.join(', ')}`);
    this.name = 'UnknownPluginError';
  }
}

/**
 * One registry per kind of plug-in (timm's `_registry.py`): a plug-in is one file and one `register` call;
 * `get` is the only way in, and an unknown name fails naming the valid ones.
 */
export class Registry<T extends PluginSpec> {
  private readonly entries = new Map<string, T>();

  constructor(readonly kind: string) {}

  register(plugin: T): T {
    if (this.entries.has(plugin.name)) {
      throw new Error(`${this.kind} '${plugin.name}' is registered twice`);
    }
    this.entries.set(plugin.name, plugin);
    return plugin;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): T {
    const found = this.entries.get(name);
    if (!found) throw new UnknownPluginError(this.kind, name, this.names());
    return found;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  all(): T[] {
    return this.names().map((n) => this.entries.get(n) as T);
  }
}
