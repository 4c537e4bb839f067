/**
 * Engines whose training and scoring are bit-for-bit repeatable for the same resolved config, data and seed.
 * Measured on a demo experiment (tiny_cnn, 32 px, 2 epochs, 2 threads) run twice per engine: cpu, wasm and native
 * gave byte-identical best weights and validation predictions (the e2e test checks wasm on every run). Across
 * engines scores moved by ~6e-5 with the same AUC. `tensorflow` (libtensorflow, multithreaded reductions) was not
 * installed to measure: it gets a tolerance.
 */
export const BIT_DETERMINISTIC_ENGINES: readonly string[] = ['cpu', 'wasm', 'native'];

/** Tolerance on AUC and TPR@1e-3 when bit-equality is not expected (another engine, or a non-deterministic one). */
export const DEFAULT_TOLERANCE = 0.02;

export interface MetricPair {
  readonly auc: number | null;
  readonly tpr: number | null;
}

export interface Verdict {
  /** bit-equal: every figure identical; within: differences <= tolerance; differs: beyond it (or a metric missing). */
  readonly outcome: 'bit-equal' | 'within-tolerance' | 'differs';
  readonly tolerance: number;
  /** Why that tolerance (bit-equality expected on this engine, or not). */
  readonly basis: string;
  readonly original: MetricPair;
  readonly reproduction: MetricPair;
  readonly aucDiff: number | null;
  readonly tprDiff: number | null;
  /** Largest |score difference| over the validation predictions of both runs, when both files were there. */
  readonly maxScoreDiff: number | null;
}

/** The tolerance to judge by: 0 where both ran on the same bit-deterministic engine, else `DEFAULT_TOLERANCE`. */
export function defaultTolerance(originalEngine: string | null, reproductionEngine: string): { tolerance: number; basis: string } {
  if (originalEngine === reproductionEngine && BIT_DETERMINISTIC_ENGINES.includes(reproductionEngine)) {
    return { tolerance: 0, basis: `same engine (${reproductionEngine}), which is bit-deterministic: expecting identical figures` };
  }
  if (originalEngine === reproductionEngine) return { tolerance: DEFAULT_TOLERANCE, basis: `engine ${reproductionEngine} is not known to be bit-deterministic` };
  return { tolerance: DEFAULT_TOLERANCE, basis: `different engines (${originalEngine ?? 'unknown'} -> ${reproductionEngine}): floating-point results differ slightly` };
}

export function judge(original: MetricPair, reproduction: MetricPair, tolerance: number, basis: string, maxScoreDiff: number | null): Verdict {
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  const aucDiff = diff(original.auc, reproduction.auc);
  const tprDiff = diff(original.tpr, reproduction.tpr);
  let outcome: Verdict['outcome'];
  if (aucDiff === null || tprDiff === null) outcome = 'differs';
  else if (aucDiff === 0 && tprDiff === 0 && (maxScoreDiff === null || maxScoreDiff === 0)) outcome = 'bit-equal';
  // tolerance 0 means bit-equality is expected: a score that moved is a failure even if the metrics did not
  else if (tolerance === 0 && maxScoreDiff !== null && maxScoreDiff > 0) outcome = 'differs';
  else if (Math.abs(aucDiff) <= tolerance && Math.abs(tprDiff) <= tolerance) outcome = 'within-tolerance';
  else outcome = 'differs';
  return { outcome, tolerance, basis, original, reproduction, aucDiff, tprDiff, maxScoreDiff };
}

const f = (x: number | null) => (x === null ? '—' : x.toFixed(6));
const signed = (x: number | null) => (x === null ? '—' : x === 0 ? '0' : `${x > 0 ? '+' : ''}${x.toExponential(2)}`);

export function formatVerdict(v: Verdict, ids: { original: string; reproduction: string }): string {
  const headline =
    v.outcome === 'bit-equal'
      ? 'REPRODUCED: bit-equal'
      : v.outcome === 'within-tolerance'
        ? `REPRODUCED within tolerance ${v.tolerance}`
        : `NOT REPRODUCED: a difference exceeds the tolerance ${v.tolerance}`;
  return [
    `${headline} (${v.basis})`,
    `             original ${ids.original.slice(0, 8)}   reproduction ${ids.reproduction.slice(0, 8)}   difference`,
    `  AUC        ${f(v.original.auc).padEnd(17)}   ${f(v.reproduction.auc).padEnd(21)}   ${signed(v.aucDiff)}`,
    `  TPR@1e-3   ${f(v.original.tpr).padEnd(17)}   ${f(v.reproduction.tpr).padEnd(21)}   ${signed(v.tprDiff)}`,
    `  validation scores: max |diff| ${v.maxScoreDiff === null ? '— (predictions file missing)' : v.maxScoreDiff.toExponential(2)}`,
  ].join('\n') + '\n';
}
