import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { EpochRow } from '../types';
import { Chart, PALETTE } from './chart';

interface SeriesSpec {
  key: string;
  label: string;
  scale?: string;
}

function column(epochs: EpochRow[], key: string): (number | null)[] {
  return epochs.map((e) => {
    const v = e[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  });
}

function EpochChart(props: { title: string; epochs: EpochRow[]; series: SeriesSpec[]; yRange?: [number, number]; rightLabel?: string }) {
  const present = props.series.filter((s) => props.epochs.some((e) => typeof e[s.key] === 'number'));
  const data = useMemo<uPlot.AlignedData>(
    () => [props.epochs.map((e) => e.epoch), ...present.map((s) => column(props.epochs, s.key))],
    [props.epochs, present.length],
  );
  if (!present.length) return null;
  const hasRight = present.some((s) => s.scale);

  const options = (width: number): uPlot.Options => ({
    width,
    height: 230,
    scales: {
      x: { time: false },
      ...(props.yRange ? { y: { range: props.yRange } } : {}),
    },
    axes: [
      { label: 'Epoch', values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) },
      { label: props.title },
      ...(hasRight
        ? [
            {
              side: 1 as const,
              scale: 'lr',
              label: props.rightLabel,
              size: 64,
              grid: { show: false },
              values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === 0 ? '0' : v.toExponential(1))),
            },
          ]
        : []),
    ],
    series: [
      { label: 'epoch' },
      ...present.map((s, i) => ({
        label: s.label,
        scale: s.scale ?? 'y',
        stroke: s.scale ? '#9aa4b2' : PALETTE[i % PALETTE.length],
        dash: s.scale ? [4, 4] : undefined,
        width: 2,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : s.scale ? v.toExponential(2) : v.toFixed(4)),
      })),
    ],
  });

  return (
    <figure class="epoch-chart">
      <figcaption>{props.title}</figcaption>
      <Chart label={`${props.title} per epoch`} options={options} data={data} optionsKey={present.map((s) => s.key).join('|')} />
    </figure>
  );
}

/** Loss (with the learning rate on a second axis) and the validation metrics, one point per epoch. */
export function EpochCharts({ epochs }: { epochs: EpochRow[] }) {
  if (!epochs.length) return <p class="muted">No per-epoch records.</p>;
  return (
    <div class="epoch-charts">
      <EpochChart
        title="Loss"
        epochs={epochs}
        rightLabel="Learning rate"
        series={[
          { key: 'trainLoss', label: 'train loss' },
          { key: 'valLoss', label: 'val loss' },
          { key: 'lr', label: 'lr', scale: 'lr' },
        ]}
      />
      <EpochChart
        title="Validation"
        epochs={epochs}
        yRange={[0, 1]}
        series={[
          { key: 'valAuc', label: 'val AUC' },
          { key: 'valTpr', label: 'val TPR@1e-3' },
        ]}
      />
    </div>
  );
}
