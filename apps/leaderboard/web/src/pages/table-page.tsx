import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchRuns, type RunsQuery } from '../api';
import { POLL_MS, useRunChanges, type LiveMode } from '../live';
import { AucValue, PromotedBadge, StatusBadge, Tags, TprValue } from '../components/badges';
import { dateTime, duration, integer, metric } from '../format';
import { href, parseHash, replaceRoute, useTitle } from '../router';
import type { RunRow, RunsPage } from '../types';

const PAGE_SIZE = 50;
const LIVE_TITLES: Record<LiveMode, string> = {
  off: 'Tick to follow runs as they change',
  connecting: 'Connecting to the service for live updates…',
  push: 'Updates as soon as a run changes (pushed by the service)',
  poll: `Live updates unavailable: refreshing every ${POLL_MS / 1000} s`,
};
// RUN_STATUSES of @dfl/db (the page is bundled apart from the service, so it is repeated here)
const STATUSES = ['queued', 'running', 'finished', 'failed', 'interrupted'];

interface Column {
  label: string;
  title?: string;
  /** the API's `sort` key; none: not sortable */
  sort?: string;
  /** the order a first click asks for: the "better" end first */
  firstOrder?: 'asc' | 'desc';
  numeric?: boolean;
  cell: (run: RunRow) => preact.ComponentChildren;
}

const COLUMNS: Column[] = [
  { label: '#', title: 'Rank: AUC, ties by TPR@1e-3, then earlier finish', cell: (r) => r.rank ?? '—', numeric: true },
  {
    label: 'Run',
    sort: 'name',
    firstOrder: 'asc',
    cell: (r) => (
      <>
        <a class="run-name" href={href(`/runs/${encodeURIComponent(r.id)}`)}>
          {r.name}
        </a>
        {r.promoted && <PromotedBadge />}
        <Tags tags={r.tags} />
      </>
    ),
  },
  { label: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
  { label: 'Backbone', cell: (r) => r.backbone ?? '—' },
  { label: 'AUC', sort: 'auc', firstOrder: 'desc', numeric: true, cell: (r) => <AucValue auc={r.auc} range={r.aucCi} /> },
  {
    label: 'TPR@1e-3',
    title: 'True-positive rate at a false-positive rate of 1e-3; n⁻ = negatives it rests on',
    sort: 'tpr',
    firstOrder: 'desc',
    numeric: true,
    cell: (r) => <TprValue tpr={r.tpr} negatives={r.tprNegatives} />,
  },
  { label: 'EER', title: 'Equal error rate (lower is better)', sort: 'eer', firstOrder: 'asc', numeric: true, cell: (r) => metric(r.eer) },
  { label: 'AP', title: 'Average precision', sort: 'ap', firstOrder: 'desc', numeric: true, cell: (r) => metric(r.ap) },
  { label: 'Epochs', sort: 'epochs', firstOrder: 'desc', numeric: true, cell: (r) => r.epochs ?? '—' },
  { label: 'Time', title: 'Training + evaluation time', sort: 'durationS', firstOrder: 'asc', numeric: true, cell: (r) => duration(r.durationS) },
  { label: 'Dataset', cell: (r) => <span title={r.datasetHash ?? ''}>{r.datasetName ?? '—'}</span> },
  {
    label: 'Finished',
    sort: 'finishedAt',
    firstOrder: 'desc',
    cell: (r) => <span title={r.finishedAt ?? ''}>{dateTime(r.finishedAt, true)}</span>,
  },
];

/** The filters and sort the table shows, read from and written to the URL hash. */
interface TableState {
  status: string;
  backbone: string;
  tag: string;
  q: string;
  dataset: string;
  sort: string;
  order: string;
  page: number;
}

function readState(params: URLSearchParams): TableState {
  const page = Number(params.get('page') ?? '1');
  return {
    status: params.get('status') ?? '',
    backbone: params.get('backbone') ?? '',
    tag: params.get('tag') ?? '',
    q: params.get('q') ?? '',
    dataset: params.get('dataset') ?? '',
    sort: params.get('sort') ?? '',
    order: params.get('order') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

function writeState(state: TableState): void {
  replaceRoute('/', { ...state, page: state.page > 1 ? state.page : undefined });
}

function toQuery(state: TableState): RunsQuery {
  return {
    status: state.status,
    backbone: state.backbone,
    tag: state.tag,
    q: state.q,
    dataset: state.dataset,
    sort: state.sort || undefined,
    order: state.sort ? (state.order as 'asc' | 'desc') || undefined : undefined,
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
}

/** A text filter that updates the URL a moment after typing stops, not on every key. */
function DebouncedInput(props: { value: string; onCommit: (v: string) => void; placeholder: string; label: string; list?: string; title?: string }) {
  const [value, setValue] = useState(props.value);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => setValue(props.value), [props.value]);
  return (
    <input
      type="search"
      aria-label={props.label}
      title={props.title}
      placeholder={props.placeholder}
      list={props.list}
      value={value}
      onInput={(e) => {
        const next = (e.currentTarget as HTMLInputElement).value;
        setValue(next);
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => props.onCommit(next.trim()), 250);
      }}
    />
  );
}

export function TablePage({ params }: { params: URLSearchParams }) {
  const state = readState(params);
  const key = JSON.stringify(state);
  const [data, setData] = useState<RunsPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<string[]>([]);
  const [seenBackbones, setSeenBackbones] = useState<string[]>([]);
  const [seenTags, setSeenTags] = useState<string[]>([]);
  const [seenDatasets, setSeenDatasets] = useState<string[]>([]);
  const wrap = useRef<HTMLDivElement>(null);
  useTitle(data ? `Leaderboard (${integer(data.total)} runs)` : 'Leaderboard');

  // a new page or filter starts at the top of the table; a poll keeps the scroll position
  useEffect(() => {
    if (wrap.current) wrap.current.scrollTop = 0;
  }, [key]);

  // Load on every change of filters/sort/page; while live, load again whenever runs change (pushed, or polled).
  const reload = useRef<() => void>(() => undefined);
  useEffect(() => {
    const query = toQuery(state);
    let controller: AbortController | null = null;
    let cancelled = false;
    const load = async (first: boolean) => {
      controller?.abort();
      controller = new AbortController();
      if (first) setLoading(true);
      try {
        const page = await fetchRuns(query, controller.signal);
        if (cancelled) return;
        setData(page);
        setError(null);
        setUpdatedAt(new Date());
        setSeenBackbones((prev) => merge(prev, page.items.map((r) => r.backbone)));
        setSeenTags((prev) => merge(prev, page.items.flatMap((r) => r.tags ?? [])));
        setSeenDatasets((prev) => merge(prev, page.items.map((r) => r.datasetName)));
      } catch (e) {
        if (!cancelled && (e as Error).name !== 'AbortError') setError((e as Error).message);
      } finally {
        if (!cancelled && first) setLoading(false);
      }
    };
    reload.current = () => void load(false);
    void load(true);
    return () => {
      cancelled = true;
      controller?.abort();
      reload.current = () => undefined;
    };
  }, [key]);
  const liveMode = useRunChanges(live, () => reload.current());

  // Patch the state as the URL has it now, not as this render saw it: two text filters edited within one debounce
  // interval each commit later, and the second must not undo the first.
  const set = (patch: Partial<TableState>) => writeState({ ...readState(parseHash(window.location.hash).params), page: 1, ...patch });
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const inProgress = useMemo(() => data?.items.filter((r) => r.status === 'running' || r.status === 'queued').length ?? 0, [data]);

  function onHeader(column: Column) {
    if (!column.sort) {
      set({ sort: '', order: '' });
      return;
    }
    if (state.sort === column.sort) {
      set({ order: (state.order || column.firstOrder) === 'asc' ? 'desc' : 'asc' });
    } else {
      set({ sort: column.sort, order: column.firstOrder ?? 'desc' });
    }
  }

  function toggle(id: string) {
    setSelected((prev) => (prev.includes(id) ? prev.filter((x) => x !== id) : [...prev, id]));
  }

  const hasFilter = Boolean(state.status || state.backbone || state.tag || state.q || state.dataset || state.page > 1);
  const first = data && data.items.length ? (state.page - 1) * PAGE_SIZE + 1 : 0;
  const last = data && data.items.length ? Math.min(data.total, state.page * PAGE_SIZE) : 0;

  return (
    <section class="table-page">
      <div class="toolbar">
        <select aria-label="Status" value={state.status} onChange={(e) => set({ status: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option value={s} key={s}>
              {s}
            </option>
          ))}
        </select>
        <DebouncedInput label="Backbone" placeholder="Backbone" list="backbones" value={state.backbone} onCommit={(v) => set({ backbone: v })} />
        <DebouncedInput label="Tag" placeholder="Tag" list="tags" value={state.tag} onCommit={(v) => set({ tag: v })} />
        <DebouncedInput label="Dataset" placeholder="Dataset" title="Dataset name or manifest hash" list="datasets" value={state.dataset} onCommit={(v) => set({ dataset: v })} />
        <DebouncedInput label="Search names" placeholder="Search names…" value={state.q} onCommit={(v) => set({ q: v })} />
        <datalist id="datasets">
          {seenDatasets.map((d) => (
            <option value={d} key={d} />
          ))}
        </datalist>
        <datalist id="backbones">
          {seenBackbones.map((b) => (
            <option value={b} key={b} />
          ))}
        </datalist>
        <datalist id="tags">
          {seenTags.map((t) => (
            <option value={t} key={t} />
          ))}
        </datalist>
        {(state.status || state.backbone || state.tag || state.q || state.dataset || state.sort) && (
          <button type="button" class="btn btn-quiet" onClick={() => writeState(readState(new URLSearchParams()))}>
            Reset
          </button>
        )}
        <span class="spacer" />
        <label class="live" data-live={liveMode} title={LIVE_TITLES[liveMode]}>
          <input type="checkbox" checked={live} onChange={(e) => setLive((e.currentTarget as HTMLInputElement).checked)} />
          Live
          {updatedAt && <span class="muted"> · {updatedAt.toLocaleTimeString('en-GB')}</span>}
          {inProgress > 0 && <span class="muted"> · {inProgress} in progress</span>}
          {liveMode === 'poll' && <span class="muted"> · polling</span>}
        </label>
        <a
          class={`btn btn-primary${selected.length < 2 ? ' disabled' : ''}`}
          aria-disabled={selected.length < 2}
          href={selected.length >= 2 ? href('/compare', { ids: selected.join(',') }) : undefined}
          title={selected.length < 2 ? 'Tick two or more runs to compare them' : undefined}
        >
          Compare{selected.length ? ` (${selected.length})` : ''}
        </a>
      </div>

      {error && <div class="error">Could not load runs: {error}</div>}

      <div ref={wrap} class={`table-wrap runs-wrap${loading ? ' loading' : ''}`}>
        <table class="runs">
          <thead>
            <tr>
              <th class="col-select" aria-label="Select for comparison" />
              {COLUMNS.map((column) => {
                const active = column.sort ? state.sort === column.sort : !state.sort && column.label === '#';
                const order = column.sort ? state.order || column.firstOrder : undefined;
                return (
                  <th
                    key={column.label}
                    class={`${column.numeric ? 'num ' : ''}sortable${active ? ' active' : ''}`}
                    title={column.title}
                    aria-sort={active ? (column.sort ? (order === 'asc' ? 'ascending' : 'descending') : 'other') : 'none'}
                    data-sort={column.sort ?? 'rank'}
                  >
                    <button type="button" class="th-button" onClick={() => onHeader(column)}>
                      {column.label}
                      <span class="sort-mark">{active ? (column.sort ? (order === 'asc' ? '▲' : '▼') : '•') : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {data?.items.map((run) => (
              <tr key={run.id} data-run-id={run.id} class={run.promoted ? 'is-promoted' : undefined}>
                <td class="col-select">
                  <input type="checkbox" aria-label={`Select ${run.name}`} checked={selected.includes(run.id)} onChange={() => toggle(run.id)} />
                </td>
                {COLUMNS.map((column) => (
                  <td key={column.label} class={column.numeric ? 'num' : undefined}>
                    {column.cell(run)}
                  </td>
                ))}
              </tr>
            ))}
            {data && data.items.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length + 1} class="empty">
                  {hasFilter ? (
                    state.page > 1 && data.total > 0 ? (
                      <>
                        No runs on this page. <a href={href('/', { ...state, page: undefined })}>Go to the first page</a>
                      </>
                    ) : (
                      'No runs match these filters.'
                    )
                  ) : (
                    <>
                      No runs recorded yet. Start one with <code>dfl run experiments/&lt;name&gt;.yaml</code>; it shows up here while it trains.
                    </>
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div class="pager">
        <span class="muted">{data ? `${integer(first)}–${integer(last)} of ${integer(data.total)} runs` : 'Loading…'}</span>
        <span class="spacer" />
        <button type="button" class="btn" disabled={state.page <= 1} onClick={() => writeState({ ...state, page: 1 })} aria-label="First page">
          «
        </button>
        <button type="button" class="btn" disabled={state.page <= 1} onClick={() => writeState({ ...state, page: state.page - 1 })}>
          ‹ Prev
        </button>
        <span class="page-no">
          Page {integer(state.page)} / {integer(pages)}
        </span>
        <button type="button" class="btn" disabled={state.page >= pages} onClick={() => writeState({ ...state, page: state.page + 1 })}>
          Next ›
        </button>
        <button type="button" class="btn" disabled={state.page >= pages} onClick={() => writeState({ ...state, page: pages })} aria-label="Last page">
          »
        </button>
      </div>
    </section>
  );
}

function merge(prev: string[], more: (string | null)[]): string[] {
  const all = new Set(prev);
  let changed = false;
  for (const value of more) {
    if (value && !all.has(value)) {
      all.add(value);
      changed = true;
    }
  }
  return changed ? [...all].sort() : prev;
}
