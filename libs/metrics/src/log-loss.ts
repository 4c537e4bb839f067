import { AccurateSum } from './accurate-sum';
import { checkBinaryInputs, type Labels, type Scores } from './binary-inputs';

/** scikit-learn's `eps="auto"` for float64: scores are clipped to [eps, 1 - eps] so log(0) never happens. */
export const LOG_LOSS_EPS = Number.EPSILON;

/**
 * scikit-learn's `log_loss(y_true, y_pred)` (eps="auto") for 0/1 labels and scores read as P(label = 1): the mean
 * of -log p of the true class, after clipping to [eps, 1 - eps] and renormalising [1 - p, p] exactly as it does.
 */
export function logLoss(labels: Labels, scores: Scores): number {
  const { labels: y, scores: s } = checkBinaryInputs(labels, scores, 'Log loss');
  const sum = new AccurateSum();
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(Math.max(s[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    const q = 1 - p;
    const total = q + p;
    sum.add(-Math.log((y[i] === 1 ? p : q) / total));
  }
  return sum.value / y.length;
}
