import { EmptyInputError, InvalidLabelError, LengthMismatchError, NonFiniteScoreError, OneClassError } from './metric-errors';

/** Binary labels (0 = real, 1 = fake) as given by callers: a plain array or any typed array. */
export type Labels = ArrayLike<number | boolean>;
/** Scores, higher meaning "more likely positive"; probabilities for log loss and accuracy. */
export type Scores = ArrayLike<number>;

/**
 * Checks labels and scores the way scikit-learn does before a ranking metric (same length, at least one sample,
 * finite scores, 0/1 labels) and returns them as typed arrays. `bothClassesFor` (the metric's name) adds the
 * "only one class" check that every ROC-based metric and the log loss need; `false` skips it.
 */
export function checkBinaryInputs(
  labels: Labels,
  scores: Scores,
  bothClassesFor: string | false = 'ROC AUC score',
): { labels: Uint8Array; scores: Float64Array; positives: number } {
  if (labels.length !== scores.length) throw new LengthMismatchError(labels.length, scores.length);
  const n = labels.length;
  if (n === 0) throw new EmptyInputError();
  const y = new Uint8Array(n);
  const s = scores instanceof Float64Array ? scores : Float64Array.from(scores);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label === 1 || label === true) {
      y[i] = 1;
      positives++;
    } else if (label !== 0 && label !== false) {
      throw new InvalidLabelError(i, label);
    }
    const v = s[i];
    if (!Number.isFinite(v)) throw new NonFiniteScoreError(i, v);
  }
  if (bothClassesFor !== false && (positives === 0 || positives === n)) {
    throw new OneClassError(positives === 0 ? 0 : 1, bothClassesFor);
  }
  return { labels: y, scores: s, positives };
}
