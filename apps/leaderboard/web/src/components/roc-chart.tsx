import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import { Chart, PALETTE } from './chart';

export interface RocCurve {
  label: string;
  points: [number, number][];
  /** the run's reported TPR@FPR=1e-3, marked on the 1e-3 line */
  tprAt1e3?: number | null;
}

/** The operating point the lab reports: TPR at FPR = 1e-3. */
const TARGET_FPR = 1e-3;

/**
 * Points on a log-FPR axis: FPR 0 cannot be drawn on a log scale, so it is pinned to the left edge; equal FPRs
 * (vertical steps of the ROC) are nudged apart so several curves can be joined on one x axis.
 */
export function toLogAxis(points: [number, number][], floor: number): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let prev = 0;
  for (const [fpr, tpr] of sorted) {
    let x = Math.max(fpr, floor);
    if (xs.length && x <= prev) x = prev * (1 + 1e-9);
    xs.push(x);
    ys.push(tpr);
    prev = x;
  }
  return [xs, ys];
}

/** The left edge: a power of ten at or below the smallest non-zero FPR, and at most 1e-4 so 1e-3 sits inside. */
export function fprFloor(curves: RocCurve[]): number {
  let min = 1e-4;
  for (const c of curves) for (const [fpr] of c.points) if (fpr > 0 && fpr < min) min = fpr;
  return Math.pow(10, Math.floor(Math.log10(min)));
}

function decades(floor: number): number[] {
  const out: number[] = [];
  for (let e = Math.round(Math.log10(floor)); e <= 0; e++) out.push(Math.pow(10, e));
  return out;
}

function decadeLabel(v: number): string {
  if (!(v > 0)) return '';
  const e = Math.round(Math.log10(v));
  return e === 0 ? '1' : e === -1 ? '0.1' : `1e${e}`;
}

/** The dashed FPR=1e-3 line and, on it, each run's reported TPR there. */
function targetLine(curves: RocCurve[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const px = devicePixelRatio;
        const x = Math.round(u.valToPos(TARGET_FPR, 'x', true));
        const { top, height } = u.bbox;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#b42318';
        ctx.lineWidth = 1.5 * px;
        ctx.setLineDash([6 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = `${12 * px}px system-ui, sans-serif`;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'alphabetic';
        ctx.fillStyle = '#b42318';
        ctx.fillText('FPR = 1e-3', x + 6 * px, top + 14 * px);
        curves.forEach((c, i) => {
          if (c.tprAt1e3 === null || c.tprAt1e3 === undefined) return;
          const y = u.valToPos(c.tprAt1e3, 'y', true);
          ctx.fillStyle = PALETTE[i % PALETTE.length];
          ctx.beginPath();
          ctx.arc(x, y, 4 * px, 0, 2 * Math.PI);
          ctx.fill();
          if (curves.length === 1) ctx.fillText(`TPR ${c.tprAt1e3.toFixed(3)}`, x + 8 * px, y + 4 * px);
        });
        ctx.restore();
      },
    },
  };
}

export function RocChart({ curves, height = 340 }: { curves: RocCurve[]; height?: number }) {
  const floor = useMemo(() => fprFloor(curves), [curves]);
  const data = useMemo<uPlot.AlignedData>(() => {
    const tables = curves.map((c) => toLogAxis(c.points, floor) as uPlot.AlignedData);
    // chance: TPR = FPR, sampled along the log axis
    const chanceX: number[] = [];
    for (let e = Math.log10(floor); e <= 0.0001; e += 0.05) chanceX.push(Math.pow(10, e));
    tables.push([chanceX, chanceX]);
    return tables.length === 1 ? tables[0] : uPlot.join(tables);
  }, [curves, floor]);

  const options = (width: number): uPlot.Options => ({
    width,
    height,
    scales: {
      x: { time: false, distr: 3, log: 10, range: [floor, 1] },
      y: { range: [0, 1] },
    },
    axes: [
      {
        label: 'False-positive rate (log)',
        // one tick per decade: uPlot's own log splits crowd the labels when the range is only a few decades
        splits: () => decades(floor),
        values: (_u, splits) => splits.map(decadeLabel),
      },
      { label: 'True-positive rate', values: (_u, splits) => splits.map((v) => v.toFixed(1)) },
    ],
    series: [
      { label: 'FPR', value: (_u, v) => (v === null || v === undefined ? '—' : v.toExponential(2)) },
      ...curves.map((c, i) => ({
        label: c.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : v.toFixed(4)),
      })),
      { label: 'chance', stroke: '#9aa4b2', width: 1, dash: [4, 4], spanGaps: true, points: { show: false } },
    ],
    cursor: { drag: { x: true, y: false } },
    plugins: [targetLine(curves)],
  });

  return (
    <Chart
      class="roc-chart"
      label="ROC curve on a log false-positive-rate axis"
      options={options}
      data={data}
      optionsKey={`${floor}|${curves.map((c) => `${c.label}:${c.tprAt1e3}`).join('|')}|${height}`}
    />
  );
}
