import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchRun, fetchRuns } from '../api';
import { AucValue, PromotedBadge, StatusBadge, Tags, TprValue } from '../components/badges';
import { CopyCommand } from '../components/copy-command';
import { RecordsTable, YamlBlock } from '../components/data-view';
import { EpochCharts } from '../components/epoch-charts';
import { RocChart } from '../components/roc-chart';
import { dateTime, duration, metric } from '../format';
import { useRunChanges } from '../live';
import { href, useTitle } from '../router';
import type { EpochRow, RunDetail, RunRow } from '../types';

function epochRows(run: RunDetail): EpochRow[] {
  return Array.isArray(run.epochs) ? run.epochs : [];
}

/** Where and how the run was made: what `dfl reproduce` needs to match. */
function provenance(run: RunDetail): Record<string, unknown> {
  const rows: Record<string, unknown> = {
    'git commit': run.gitCommit ? `${run.gitCommit.slice(0, 12)}${run.gitDirty ? ' (dirty working tree)' : ''}` : null,
    engine: [run.engine, run.backend].filter(Boolean).join(' / ') || null,
    seed: run.seed,
    host: run.host,
    worker: run.worker,
    'run folder': run.runDir,
    'config hash': run.configHash,
    'reproduced from': run.reproducedFrom,
    started: run.startedAt ? dateTime(run.startedAt) : null,
    finished: run.finishedAt ? dateTime(run.finishedAt) : null,
  };
  for (const [pkg, version] of Object.entries(run.packageVersions ?? {})) rows[pkg] = version;
  return Object.fromEntries(Object.entries(rows).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}

export function RunPage({ id }: { id: string }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useTitle(run ? run.name : 'Run');

  const [promoted, setPromoted] = useState<RunRow | null>(null);

  // The run promoted for this run's dataset, to offer a comparison with it.
  const dataset = run?.datasetName ?? run?.datasetHash ?? null;
  useEffect(() => {
    setPromoted(null);
    if (!dataset) return;
    const controller = new AbortController();
    fetchRuns({ dataset, promoted: true, limit: 1, offset: 0 }, controller.signal)
      .then((page) => setPromoted(page.items[0] ?? null))
      .catch(() => undefined); // the link is a convenience: without it the page is complete
    return () => controller.abort();
  }, [dataset]);

  // A run still in progress is re-read whenever it changes (pushed, or polled) so its curves grow while one watches.
  const reload = useRef<() => void>(() => undefined);
  useEffect(() => {
    let cancelled = false;
    let controller: AbortController | null = null;
    const load = async () => {
      controller?.abort();
      controller = new AbortController();
      try {
        const next = await fetchRun(id, controller.signal);
        if (cancelled) return;
        setRun(next);
        setError(null);
      } catch (e) {
        if (!cancelled && (e as Error).name !== 'AbortError') setError((e as Error).message);
      }
    };
    reload.current = () => void load();
    setRun(null);
    void load();
    return () => {
      cancelled = true;
      controller?.abort();
      reload.current = () => undefined;
    };
  }, [id]);
  const inProgress = run?.id === id && (run.status === 'running' || run.status === 'queued');
  useRunChanges(inProgress, (changes) => {
    if (!changes || changes.some((c) => c.id === id || c.id === null)) reload.current();
  });

  if (error) {
    return (
      <>
        <nav class="crumbs">
          <a href={href('/')}>← All runs</a>
        </nav>
        <div class="error">Could not load run {id}: {error}</div>
      </>
    );
  }
  if (!run) return <p class="muted">Loading run…</p>;

  const epochs = epochRows(run);
  const done = run.epochsDone ?? epochs.length;
  const planned = run.epochsPlanned && run.epochsPlanned !== done ? ` / ${run.epochsPlanned}` : '';
  const epochText = `${done}${planned} epoch${done === 1 && !planned ? '' : 's'}`;

  return (
    <article class="run-page">
      <nav class="crumbs">
        <a href={href('/')}>← All runs</a>
      </nav>
      <header class="run-head">
        <h1>
          {run.name} {run.promoted && <PromotedBadge />}
        </h1>
        <div class="run-meta">
          <StatusBadge status={run.status} />
          {run.rank !== null && run.rank !== undefined && <span>rank #{run.rank}</span>}
          <span>{run.backbone ?? 'unknown backbone'}</span>
          <span title={run.datasetHash ?? ''}>
            dataset {run.datasetName ?? '—'}
            {run.datasetHash && <code class="hash"> {run.datasetHash.slice(0, 10)}</code>}
          </span>
          <span>{epochText}</span>
          {run.durationS !== null && <span>{duration(run.durationS)}</span>}
          {run.finishedAt ? (
            <span title={run.finishedAt}>finished {dateTime(run.finishedAt)}</span>
          ) : (
            run.startedAt && <span title={run.startedAt}>started {dateTime(run.startedAt)}</span>
          )}
          {run.sweepId && <span>sweep {run.sweepId}</span>}
          <Tags tags={run.tags} />
        </div>
        <span class="run-id">
          id <code>{run.id}</code>
        </span>
      </header>

      {typeof run.error === 'string' && run.error && <div class="error">This run failed: {run.error}</div>}

      <section class="cards">
        <div class="card">
          <div class="card-label">AUC</div>
          <AucValue auc={run.auc} range={run.aucCi} />
        </div>
        <div class="card">
          <div class="card-label">TPR @ FPR=1e-3</div>
          <TprValue tpr={run.tpr} negatives={run.tprNegatives} />
          {run.tprCi && (
            <span class="metric-sub" title="95% confidence interval">
              [{run.tprCi[0].toFixed(3)}–{run.tprCi[1].toFixed(3)}]
            </span>
          )}
        </div>
        <div class="card">
          <div class="card-label">EER</div>
          <span class="metric-main">{metric(run.eer)}</span>
        </div>
        <div class="card">
          <div class="card-label">AP</div>
          <span class="metric-main">{metric(run.ap)}</span>
        </div>
      </section>

      <section>
        <h2>Reproduce</h2>
        <CopyCommand command={`dfl reproduce ${run.id}`} />
        {promoted && promoted.id !== run.id && (
          <p class="compare-hint">
            <a href={href('/compare', { ids: `${promoted.id},${run.id}` })}>Compare with the promoted run {promoted.name}</a>
          </p>
        )}
      </section>

      <div class="two-col">
        <section>
          <h2>ROC curve</h2>
          {run.rocPoints?.length ? (
            <RocChart curves={[{ label: run.name, points: run.rocPoints, tprAt1e3: run.tpr }]} height={420} />
          ) : (
            <p class="muted">No ROC points recorded{run.status !== 'finished' ? ' yet' : ''}.</p>
          )}
        </section>
        <section>
          <h2>Training</h2>
          <EpochCharts epochs={epochs} />
        </section>
      </div>

      <section>
        <h2>Robustness</h2>
        <RecordsTable fit value={run.robustness} keyName="view" empty="No robustness views evaluated." />
      </section>

      {run.notes && (
        <section>
          <h2>Notes</h2>
          <p class="notes">{run.notes}</p>
        </section>
      )}

      <div class="two-col">
        <section>
          <h2>Provenance</h2>
          <RecordsTable value={provenance(run)} keyName="what" valueName="value" empty="No provenance recorded." />
        </section>
        <section>
          <h2>Artefacts</h2>
          <RecordsTable value={run.artefacts} keyName="artefact" valueName="path" empty="No artefacts recorded." />
        </section>
      </div>

      <section>
        <h2>Resolved config</h2>
        <details open>
          <summary class="muted">The frozen experiment this run replays with `dfl reproduce`</summary>
          <YamlBlock value={run.resolvedConfig} />
        </details>
      </section>

      {epochs.length > 0 && (
        <section>
          <h2>Epochs</h2>
          <details>
            <summary class="muted">{epochs.length} epoch records</summary>
            <RecordsTable value={epochs} empty="" />
          </details>
        </section>
      )}
    </article>
  );
}
