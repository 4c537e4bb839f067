import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/**
 * A uPlot chart that follows its container's width. uPlot draws on canvas, so 10⁴-point ROC curves stay cheap;
 * options are rebuilt only when `optionsKey` changes, data updates reuse the chart.
 */
export function Chart(props: {
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  optionsKey: string;
  label: string;
  class?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current!;
    const width = Math.max(280, el.clientWidth);
    plot.current = new uPlot(props.options(width), props.data, el);
    const observer = new ResizeObserver(() => {
      const p = plot.current;
      if (p && el.clientWidth && Math.abs(el.clientWidth - p.width) > 2) p.setSize({ width: el.clientWidth, height: p.height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props.optionsKey]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  return <div class={`chart ${props.class ?? ''}`} ref={host} role="img" aria-label={props.label} />;
}

/** Series colours, distinguishable in print and for the common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
