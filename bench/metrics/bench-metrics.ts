/**
 * How fast the metrics are on 10^6 scores, next to scikit-learn on the same data in the same run (when
 * /usr/bin/python3 has scikit-learn). Prints figures; it is not a test.
 *
 *   npm run bench:metrics            # 10^6 scores
 *   npm run bench:metrics -- 200000  # another size
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SeededRandom } from '@dfl/core';
import { evaluateScores, rocAucScore, tprAtFpr } from '@dfl/metrics';

const PYTHON = '/usr/bin/python3';
const REPEATS = 3;

function makeData(n: number): { labels: Uint8Array; scores: Float64Array } {
  const rng = new SeededRandom(42);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.chance(0.3) ? 1 : 0;
    labels[i] = y;
    // rounded to 6 decimals, like a CSV submission: realistic ties
    scores[i] = Math.round(1e6 / (1 + Math.exp(-(rng.normal() + 1.5 * y)))) / 1e6;
  }
  return { labels, scores };
}

/** Best of `repeats` wall-clock times in ms (the minimum is the least noisy figure on a shared machine). */
function bestOf<T>(repeats: number, fn: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

function sklearnTimes(labels: Uint8Array, scores: Float64Array): Record<string, number | string> | null {
  if (!existsSync(PYTHON)) return null;
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'dfl-bench-metrics-'));
  try {
    const y = path.join(dir, 'labels.u8');
    const s = path.join(dir, 'scores.f64');
    writeFileSync(y, labels);
    writeFileSync(s, new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength));
    const out = execFileSync(PYTHON, [path.join(__dirname, 'sklearn_reference.py'), y, s, String(REPEATS)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const n = Number(process.argv[2] ?? 1_000_000);
  const { labels, scores } = makeData(n);
  // warm the JIT on a smaller slice so the timed runs measure steady-state code
  evaluateScores(labels.subarray(0, 20_000), scores.subarray(0, 20_000));

  const auc = bestOf(REPEATS, () => rocAucScore(labels, scores));
  const tpr = bestOf(REPEATS, () => tprAtFpr(labels, scores, 1e-3));
  const all = bestOf(REPEATS, () => evaluateScores(labels, scores));
  const boot = bestOf(1, () => evaluateScores(labels, scores, { bootstrap: { n: 100, seed: 0 } }));

  const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;
  console.log(`metrics on ${n} scores (${all.value.positives} positives, ${all.value.negatives} negatives), best of ${REPEATS}, node ${process.version}`);
  console.log(`  rocAucScore                          ${fmt(auc.ms)}`);
  console.log(`  tprAtFpr(1e-3)                       ${fmt(tpr.ms)}`);
  console.log(`  evaluateScores (all, no bootstrap)   ${fmt(all.ms)}`);
  console.log(`  evaluateScores + 100 bootstrap       ${fmt(boot.ms)}  (${((boot.ms - all.ms) / 100).toFixed(1)} ms per resample)`);

  const ref = sklearnTimes(labels, scores);
  if (!ref) {
    console.log(`scikit-learn: not measured (${PYTHON} with scikit-learn not found)`);
    return;
  }
  const ratio = (theirs: number, ours: number): string => `${(theirs / ours).toFixed(2)}x`;
  const refMs = (k: string): number => ref[k] as number;
  console.log(`scikit-learn ${ref.sklearn} on the same data, same run:`);
  console.log(`  roc_auc_score                        ${fmt(refMs('auc_ms'))}   sklearn/ours ${ratio(refMs('auc_ms'), auc.ms)}`);
  console.log(`  roc_curve -> TPR@FPR=1e-3            ${fmt(refMs('tpr_ms'))}   sklearn/ours ${ratio(refMs('tpr_ms'), tpr.ms)}`);
  console.log(`  auc+tpr+ap+accuracy+log_loss+curve   ${fmt(refMs('all_ms'))}   sklearn/ours ${ratio(refMs('all_ms'), all.ms)} (vs evaluateScores)`);
  const diff = (a: number, b: number): string => Math.abs(a - b).toExponential(1);
  console.log(
    `  agreement: |AUC diff| ${diff(all.value.auc, refMs('auc'))}, |TPR diff| ${diff(all.value.tprAtFpr.tpr, refMs('tpr'))}, ` +
      `|AP diff| ${diff(all.value.averagePrecision, refMs('ap'))}, |log loss diff| ${diff(all.value.logLoss, refMs('log_loss'))}`,
  );
}

main();
