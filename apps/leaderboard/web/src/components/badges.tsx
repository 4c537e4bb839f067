import { ci, integer, metric, MIN_NEGATIVES_FOR_TPR } from '../format';
import { href } from '../router';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status.replace(/[^a-z]/gi, '')}`}>{status}</span>;
}

export function PromotedBadge() {
  return (
    <span class="promoted" title="The promoted run: the model this lab currently stands behind">
      ★ promoted
    </span>
  );
}

/** Tag chips; each links to the table filtered by that tag. */
export function Tags({ tags }: { tags: string[] | null | undefined }) {
  if (!tags?.length) return null;
  return (
    <span class="tags">
      {tags.map((tag) => (
        <a class="tag" key={tag} href={href('/', { tag })} title={`Runs tagged ${tag}`}>
          {tag}
        </a>
      ))}
    </span>
  );
}

/** AUC with its confidence interval underneath, smaller. */
export function AucValue({ auc, range }: { auc: number | null; range: [number, number] | null }) {
  return (
    <span class="metric">
      <span class="metric-main">{metric(auc)}</span>
      {range && <span class="metric-sub" title="95% confidence interval">[{ci(range)}]</span>}
    </span>
  );
}

/** TPR at FPR=1e-3 with the number of negatives it rests on; warns when those are too few to resolve 1e-3. */
export function TprValue({ tpr, negatives }: { tpr: number | null; negatives: number | null }) {
  const few = negatives !== null && negatives !== undefined && negatives < MIN_NEGATIVES_FOR_TPR;
  return (
    <span class="metric">
      <span class="metric-main">{metric(tpr)}</span>
      {negatives !== null && negatives !== undefined && (
        <span
          class={few ? 'metric-sub warn' : 'metric-sub'}
          title={
            few
              ? `Only ${integer(negatives)} negatives: FPR=1e-3 is less than one false positive, so this TPR is not resolved`
              : `Rests on ${integer(negatives)} negatives`
          }
        >
          {few && '⚠ '}n⁻={integer(negatives)}
        </span>
      )}
    </span>
  );
}
