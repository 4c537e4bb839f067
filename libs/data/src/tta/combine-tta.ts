/** How per-view scores become one: mean of the probabilities, or mean of the logits (then the probability). */
export type TtaCombineMode = 'mean_prob' | 'mean_logit';

/**
 * Combines the views' logits into one probability of "fake" per image.
 * `viewLogits[v]` is view v's logits, row-major [n, numClasses]: with 2 classes ([real, fake], softmax) the fake
 * log-odds is l1 - l0; with 1 class it is the sigmoid logit itself. `mean_logit` averages the log-odds (for a
 * softmax that equals averaging both logits), `mean_prob` averages the probabilities.
 */
export function combineTta(viewLogits: ReadonlyArray<ArrayLike<number>>, mode: TtaCombineMode, numClasses: 1 | 2 = 2): Float32Array {
  if (viewLogits.length === 0) throw new RangeError('combineTta needs at least one view');
  if (numClasses !== 1 && numClasses !== 2) throw new RangeError(`numClasses must be 1 or 2, got ${numClasses}`);
  const len = viewLogits[0].length;
  if (len % numClasses !== 0) throw new RangeError(`view 0 has ${len} logits, not a multiple of numClasses=${numClasses}`);
  viewLogits.forEach((v, i) => {
    if (v.length !== len) throw new RangeError(`view ${i} has ${v.length} logits, view 0 has ${len}: views must score the same images`);
  });
  const n = len / numClasses;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const v of viewLogits) {
      const logOdds = numClasses === 2 ? v[i * 2 + 1] - v[i * 2] : v[i];
      acc += mode === 'mean_logit' ? logOdds : sigmoid(logOdds);
    }
    const mean = acc / viewLogits.length;
    out[i] = mode === 'mean_logit' ? sigmoid(mean) : mean;
  }
  return out;
}

function sigmoid(x: number): number {
  // split so neither branch overflows exp
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
