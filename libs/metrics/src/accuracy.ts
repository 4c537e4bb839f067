import { checkBinaryInputs, type Labels, type Scores } from './binary-inputs';

export const DEFAULT_DECISION_THRESHOLD = 0.5;

/**
 * Share of samples classified right when "positive" means score > threshold (strictly, as Keras/tfjs
 * `binaryAccuracy` does: a score of exactly 0.5 counts as negative). Equals scikit-learn's
 * `accuracy_score(y_true, y_score > threshold)`.
 */
export function accuracyAtThreshold(labels: Labels, scores: Scores, threshold = DEFAULT_DECISION_THRESHOLD): number {
  const { labels: y, scores: s } = checkBinaryInputs(labels, scores, false);
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((s[i] > threshold ? 1 : 0) === y[i]) right++;
  return right / y.length;
}
