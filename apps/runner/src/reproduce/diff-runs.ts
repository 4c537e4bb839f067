import type { Run } from '@dfl/db';
import { withRepository } from '../runs/open-repository';
import { findRun } from '../runs/show-run';
import { diffConfigs, formatValue, type ConfigChange } from './config-diff';

export interface RunDiff {
  readonly a: Run;
  readonly b: Run;
  readonly config: ConfigChange[];
  /** Provenance that is not part of the config but decides the numbers. */
  readonly provenance: ConfigChange[];
  readonly metrics: { name: string; a: number | null; b: number | null; diff: number | null }[];
}

const METRICS: [string, (r: Run) => number | null][] = [
  ['AUC', (r) => r.auc],
  ['TPR@1e-3', (r) => r.tprAt1e3],
  ['EER', (r) => r.eer],
  ['AP', (r) => r.ap],
  ['accuracy', (r) => r.accuracy],
  ['log loss', (r) => r.logLoss],
  ['epochs', (r) => r.epochsDone],
  ['duration s', (r) => r.durationS],
];

export function diffRuns(a: Run, b: Run): RunDiff {
  const provenance = diffConfigs(
    { datasetHash: a.datasetHash, gitCommit: a.gitCommit, gitDirty: a.gitDirty, engine: a.engine, backend: a.backend, packageVersions: a.packageVersions },
    { datasetHash: b.datasetHash, gitCommit: b.gitCommit, gitDirty: b.gitDirty, engine: b.engine, backend: b.backend, packageVersions: b.packageVersions },
  );
  const metrics = METRICS.map(([name, get]) => {
    const x = get(a);
    const y = get(b);
    return { name, a: x, b: y, diff: x === null || y === null ? null : y - x };
  });
  return { a, b, config: diffConfigs(a.resolvedConfig, b.resolvedConfig), provenance, metrics };
}

const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(6));
const signed = (x: number | null) => (x === null ? '—' : x === 0 ? '0' : `${x > 0 ? '+' : ''}${Number.isInteger(x) ? x : x.toFixed(6)}`);

export function formatRunDiff(d: RunDiff): string {
  const out: string[] = [`A ${d.a.id}  ${d.a.name}  [${d.a.status}]`, `B ${d.b.id}  ${d.b.name}  [${d.b.status}]`];
  if (d.b.reproducedFrom === d.a.id) out.push('  (B reproduces A)');
  else if (d.a.reproducedFrom === d.b.id) out.push('  (A reproduces B)');
  out.push('', d.config.length === 0 ? `config: identical (hash ${d.a.configHash.slice(0, 12)})` : `config: ${d.config.length} field(s) differ`);
  for (const c of d.config) out.push(`  ${c.path}: ${formatValue(c.a)} -> ${formatValue(c.b)}`);
  if (d.provenance.length > 0) {
    out.push('provenance:');
    for (const c of d.provenance) out.push(`  ${c.path}: ${formatValue(c.a)} -> ${formatValue(c.b)}`);
  }
  out.push('', 'metric       A           B           B - A');
  for (const m of d.metrics) out.push(`  ${m.name.padEnd(10)} ${num(m.a).padEnd(11)} ${num(m.b).padEnd(11)} ${signed(m.diff)}`);
  return out.join('\n') + '\n';
}

export async function diffRunsCommand(idA: string, idB: string, opts: { json?: boolean }): Promise<void> {
  const d = await withRepository(async (repo) => diffRuns(await findRun(repo, idA), await findRun(repo, idB)));
  if (opts.json) {
    process.stdout.write(JSON.stringify({ a: d.a.id, b: d.b.id, config: d.config, provenance: d.provenance, metrics: d.metrics }) + '\n');
    return;
  }
  process.stdout.write(formatRunDiff(d));
}
