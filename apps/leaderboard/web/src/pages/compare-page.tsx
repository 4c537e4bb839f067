import { useEffect, useState } from 'preact/hooks';
import { fetchCompare } from '../api';
import { AucValue, PromotedBadge, StatusBadge, TprValue } from '../components/badges';
import { RocChart, type RocCurve } from '../components/roc-chart';
import { duration, metric } from '../format';
import { href, useTitle } from '../router';
import type { CompareResult, RunDetail } from '../types';

interface MetricRow {
  label: string;
  render: (run: RunDetail) => preact.ComponentChildren;
  /** the number that decides which run is best on this row, and which way is better */
  value?: (run: RunDetail) => number | null;
  better?: 'high' | 'low';
}

const METRICS: MetricRow[] = [
  { label: 'Status', render: (r) => <StatusBadge status={r.status} /> },
  { label: 'AUC', render: (r) => <AucValue auc={r.auc} range={r.aucCi} />, value: (r) => r.auc, better: 'high' },
  { label: 'TPR@1e-3', render: (r) => <TprValue tpr={r.tpr} negatives={r.tprNegatives} />, value: (r) => r.tpr, better: 'high' },
  { label: 'EER', render: (r) => metric(r.eer), value: (r) => r.eer, better: 'low' },
  { label: 'AP', render: (r) => metric(r.ap), value: (r) => r.ap, better: 'high' },
  { label: 'Backbone', render: (r) => r.backbone ?? '—' },
  { label: 'Epochs', render: (r) => r.epochsDone ?? r.epochs.length },
  { label: 'Time', render: (r) => duration(r.durationS), value: (r) => r.durationS, better: 'low' },
  { label: 'Dataset', render: (r) => <span title={r.datasetHash ?? ''}>{r.datasetName ?? '—'}</span> },
];

function best(runs: RunDetail[], row: MetricRow): number | null {
  if (!row.value || runs.length < 2) return null;
  const values = runs.map(row.value).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  if (values.length < 2) return null;
  return row.better === 'low' ? Math.min(...values) : Math.max(...values);
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ComparePage({ ids }: { ids: string[] }) {
  const [result, setResult] = useState<CompareResult | null>(null);
  const [curves, setCurves] = useState<RocCurve[]>([]);
  const [error, setError] = useState<string | null>(null);
  const key = ids.join(',');
  useTitle(`Compare ${ids.length} runs`);

  useEffect(() => {
    const controller = new AbortController();
    setResult(null);
    setCurves([]);
    setError(null);
    (async () => {
      try {
        const res = await fetchCompare(ids, controller.signal);
        setResult(res);
        setCurves(res.runs.filter((r) => r.rocPoints?.length).map((r) => ({ label: r.name, points: r.rocPoints!, tprAt1e3: r.tpr })));
      } catch (e) {
        if ((e as Error).name !== 'AbortError') setError((e as Error).message);
      }
    })();
    return () => controller.abort();
  }, [key]);

  if (ids.length < 2) {
    return (
      <div class="error">
        Pick at least two runs to compare (tick them in the <a href={href('/')}>table</a>).
      </div>
    );
  }
  if (error) {
    return (
      <>
        <nav class="crumbs">
          <a href={href('/')}>← All runs</a>
        </nav>
        <div class="error">Could not compare: {error}</div>
      </>
    );
  }
  if (!result) return <p class="muted">Loading comparison…</p>;

  const runs = result.runs;
  return (
    <article class="compare-page">
      <nav class="crumbs">
        <a href={href('/')}>← All runs</a>
      </nav>
      <h1>Compare {runs.length} runs</h1>

      <section>
        <h2>Metrics</h2>
        <div class="table-wrap">
          <table class="compare-metrics">
            <thead>
              <tr>
                <th />
                {runs.map((r) => (
                  <th key={r.id}>
                    <a href={href(`/runs/${encodeURIComponent(r.id)}`)}>{r.name}</a>
                    {r.promoted && <PromotedBadge />}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {METRICS.map((row) => {
                const top = best(runs, row);
                return (
                  <tr key={row.label}>
                    <th scope="row">{row.label}</th>
                    {runs.map((r) => (
                      <td key={r.id} class={top !== null && row.value!(r) === top ? 'best' : undefined}>
                        {row.render(r)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      {curves.length > 0 && (
        <section>
          <h2>ROC curves</h2>
          <RocChart curves={curves} height={320} />
        </section>
      )}

      <section>
        <h2>Config difference</h2>
        {result.configDiff.length === 0 ? (
          <p class="muted">The resolved configs are identical.</p>
        ) : (
          <div class="table-wrap">
            <table class="config-diff">
              <thead>
                <tr>
                  <th>Path</th>
                  {runs.map((r) => (
                    <th key={r.id}>{r.name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.configDiff.map((row) => (
                  <tr key={row.path}>
                    <th scope="row">
                      <code>{row.path}</code>
                    </th>
                    {row.values.map((v, i) => (
                      <td key={i} class={i > 0 && show(v) !== show(row.values[0]) ? 'diff changed' : 'diff'}>
                        <code>{show(v)}</code>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p class="muted small">Only the paths whose values differ are listed; cells that differ from the first run are highlighted.</p>
      </section>
    </article>
  );
}
