import { backbones, type BackboneOptions, type Counterpart, type InputConfig } from './backbone-registry';
import { countBackboneParams, resolveBackboneOptions } from './create-model';

/** What `dfl backbones` prints about one backbone. */
export interface BackboneDescription {
  readonly name: string;
  readonly description: string;
  /** Trainable parameters with the given number of classes (BatchNorm running statistics excluded, as in PyTorch). */
  readonly params: number;
  readonly numClasses: number;
  readonly input: InputConfig;
  readonly counterpart: Counterpart | null;
  /** The backbone's option defaults (`model.options` in the YAML). */
  readonly options: BackboneOptions;
}

export function describeBackbones(numClasses = 2): BackboneDescription[] {
  return backbones.all().map((b) => ({
    name: b.name,
    description: b.description,
    params: countBackboneParams(b.name, numClasses),
    numClasses,
    input: b.input,
    counterpart: b.counterpart,
    options: resolveBackboneOptions(b.name),
  }));
}

/** A fixed-width table for the terminal. */
export function formatBackbonesTable(rows: readonly BackboneDescription[]): string {
  const header = ['backbone', 'params', 'input', 'interp', 'mean / std', 'counterpart'];
  const lines = rows.map((r) => [
    r.name,
    r.params.toLocaleString('en-US'),
    `${r.input.size}px`,
    r.input.interpolation,
    `${r.input.mean.join(',')} / ${r.input.std.join(',')}`,
    r.counterpart ? `${r.counterpart.library} ${r.counterpart.name}` : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const classes = rows[0]?.numClasses ?? 2;
  return [fmt(header), ...lines.map(fmt), '', `params: trainable, with a ${classes}-class head`].join('\n') + '\n';
}
