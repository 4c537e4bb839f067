import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError, writeDirAtomic, writeFileAtomic } from '@dfl/core';
import { createProgress, openSplit, parsePredictionCsv, readLabelCsv } from '@dfl/data';
import type { Run } from '@dfl/db';
import type { ResolvedExperiment } from '@dfl/experiment';
import { evaluateScores, type ScoreEvaluation } from '@dfl/metrics';
import type { EngineChoice } from '@dfl/models';
import { joinByName } from '../evaluate/join-by-name';
import { fillPackage, PACKAGE_FILES } from '../predict/model-package';
import { openScoringSource } from '../predict/open-scoring-source';
import { Scorer } from '../predict/scorer';
import { attachTestFaceBoxes, describeFaceBoxUse, noCropWarning, wholeFrameWarning, type FaceBoxUse } from '../predict/test-face-boxes';
import { predictionsCsvText } from '../run/predictions-csv';
import { withRepository } from '../runs/open-repository';
import { findRun } from '../runs/show-run';
import { checkParity, PARITY_TOLERANCE, spreadSample, type ParityResult } from './parity-check';
import { validateSubmission } from './validate-submission';
import { fmt4 } from '../format-metric';

export interface PromoteOptions {
  /** Test image folder; default: the run's `data.test.images`. */
  readonly test?: string;
  readonly out: string;
  /** Held-out labels of the test folder (the demo's test_label.txt): the test metrics are then computed too. */
  readonly labels?: string;
  /** Face-box CSV of the test images (`img_name,x1,y1,x2,y2`): each is scored as its crop with the run's margin. */
  readonly faceBoxes?: string;
  readonly track: string;
  readonly paritySample: number;
  readonly engine?: EngineChoice;
  readonly quiet?: boolean;
}

export interface PromoteResult {
  readonly runId: string;
  readonly name: string;
  readonly dataset: string | null;
  readonly track: string;
  readonly testDir: string;
  readonly images: number;
  /** How the face-box file matched the test images; null without one. */
  readonly faceBoxes: FaceBoxUse | null;
  /** Printed on stderr as they arose (a face-crop model scored on whole frames, a box file matching no image). */
  readonly warnings: readonly string[];
  readonly engine: string;
  readonly scoringSeconds: number;
  readonly submission: readonly string[];
  readonly packageDir: string;
  readonly packageFiles: number;
  readonly parity: ParityResult;
  readonly validation: Record<string, number | null>;
  readonly test: { auc: number; tprAt1e3: number; negatives: number; eer: number; ap: number } | null;
}

export const SUBMISSION_FILES = ['prediction.txt', 'submission.csv'] as const;

/**
 * Turns a finished run into a submission and a self-contained model package, and records the promotion. Nothing
 * is published until the submission validates and the package, read back from disk, scores a sample of the test
 * images through the test API path exactly as the CSV says.
 */
export async function promoteRun(idOrPrefix: string, options: PromoteOptions): Promise<PromoteResult> {
  return withRepository(async (repo) => {
    const run = await findRun(repo, idOrPrefix);
    if (run.status !== 'finished') throw new UserError(`run ${run.id} is ${run.status}; only a finished run can be promoted`);
    if (!run.runDir) throw new UserError(`run ${run.id} has no run folder recorded`);
    const source = await openScoringSource(run.runDir);
    const cfg = JSON.parse(await fs.readFile(path.join(run.runDir, 'config.resolved.json'), 'utf8')) as ResolvedExperiment;
    const testDir = options.test ?? cfg.data.test?.images;
    if (!testDir) throw new UserError(`run ${run.id}: no --test folder given and the experiment names no data.test.images`);
    const split = await openSplit({ root: process.cwd(), layout: 'challenge', images: testDir });
    if (split.items.length === 0) throw new UserError(`${split.imagesDir}: no test images (JPEG/PNG/WebP) found`);
    // the test images get the crops the run trained on: the CSV scores them, the parity check sends each box
    let items = split.items;
    let faceBoxes: FaceBoxUse | null = null;
    const warnings: string[] = [];
    if (options.faceBoxes) {
      const attached = await attachTestFaceBoxes(items, options.faceBoxes, source.setup.face.margin);
      items = attached.items;
      faceBoxes = attached.use;
      const warning = noCropWarning(attached.use, items.length);
      if (warning) warnings.push(warning);
    } else {
      const warning = wholeFrameWarning(source.setup, run.id);
      if (warning) warnings.push(warning);
    }
    for (const w of warnings) process.stderr.write(w + '\n');

    const scorer = await Scorer.open(source.setup, source.modelDir, { engine: options.engine });
    let csv: string;
    const t0 = process.hrtime.bigint();
    try {
      const progress = createProgress('scoring test', items.length, { quiet: options.quiet });
      let done = 0;
      // every test image needs a row: an unreadable one stops the promotion (named), it is never skipped
      const scored = await scorer.scoreItems(items, { onBadImage: 'error', onProgress: (n) => (progress.tick(n - done), (done = n)) });
      progress.stop();
      csv = predictionsCsvText(scored.names, scored.scores);
    } finally {
      scorer.dispose();
    }
    const scoringSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const names = items.map((i) => i.name);
    const problems = validateSubmission(csv, names, SUBMISSION_FILES[0]);
    if (problems.length > 0) throw new UserError(`promotion refused: the submission does not validate:\n  ${problems.join('\n  ')}`);
    const rows = parsePredictionCsv(csv, SUBMISSION_FILES[0]);
    const test = options.labels ? await testMetrics(options.labels, rows) : null;

    const out = path.resolve(options.out);
    const packageDir = path.join(out, 'package');
    const validation = { auc: run.auc, tprAt1e3: run.tprAt1e3, tprNegatives: run.tprNegatives, eer: run.eer, ap: run.ap, aucCiLow: run.aucCiLow, aucCiHigh: run.aucCiHigh };
    let parity: ParityResult | null = null;
    let packageFiles = 0;
    await fs.mkdir(out, { recursive: true });
    await writeDirAtomic(packageDir, async (tmp) => {
      const manifest = await fillPackage(tmp, {
        runId: run.id,
        configHash: run.configHash,
        modelDir: source.modelDir,
        resolvedConfig: cfg,
        scoring: source.setup,
        metrics: promotedMetrics(run, options.track, validation, test, split.imagesDir, items.length, faceBoxes),
      });
      packageFiles = Object.keys(manifest.files).length + 1;
      parity = await checkParity(tmp, spreadSample(items, options.paritySample), new Map(rows.map((r) => [r.name, r.score])), scorer.engine.engine);
      if (parity.mismatches.length > 0) {
        const lines = parity.mismatches.slice(0, 5).map((m) => `${m.name}: CSV ${m.csv}, test API ${m.api}`);
        throw new UserError(`promotion refused: ${parity.mismatches.length} of ${parity.checked} test images score differently through the test API path (tolerance ${PARITY_TOLERANCE.toExponential(0)}):\n  ${lines.join('\n  ')}`);
      }
    });
    const submission: string[] = [];
    for (const file of SUBMISSION_FILES) {
      const target = path.join(out, file);
      await writeFileAtomic(target, csv);
      // what is on disk is what gets submitted: validate those bytes, not the string they came from
      const again = validateSubmission(await fs.readFile(target, 'utf8'), names, target);
      if (again.length > 0) throw new UserError(`promotion refused: ${target} does not validate after writing:\n  ${again.join('\n  ')}`);
      submission.push(target);
    }
    await repo.setPromoted(run.id, { track: options.track, packagePath: packageDir });
    return {
      runId: run.id,
      name: run.name,
      dataset: run.datasetName,
      track: options.track,
      testDir: split.imagesDir,
      images: items.length,
      faceBoxes,
      warnings,
      engine: scorer.engine.engine,
      scoringSeconds,
      submission,
      packageDir,
      packageFiles,
      parity: parity as unknown as ParityResult,
      validation,
      test,
    };
  });
}

async function testMetrics(labelsFile: string, rows: ReturnType<typeof parsePredictionCsv>): Promise<PromoteResult['test']> {
  // the same join and metrics as `dfl evaluate` on the written file, so both print the same AUC
  const joined = joinByName(await readLabelCsv(labelsFile), rows, { labels: labelsFile, predictions: SUBMISSION_FILES[0] });
  let e: ScoreEvaluation;
  try {
    e = evaluateScores(joined.labels, joined.scores, {});
  } catch (err) {
    throw new UserError(`${labelsFile}: cannot evaluate the test predictions: ${(err as Error).message}`);
  }
  return { auc: e.auc, tprAt1e3: e.tprAtFpr.tpr, negatives: e.tprAtFpr.negatives, eer: e.eer.eer, ap: e.averagePrecision };
}

function promotedMetrics(
  run: Run,
  track: string,
  validation: Record<string, number | null>,
  test: PromoteResult['test'],
  testDir: string,
  images: number,
  faceBoxes: FaceBoxUse | null,
): Record<string, unknown> {
  return {
    runId: run.id,
    name: run.name,
    dataset: { name: run.datasetName, hash: run.datasetHash },
    track,
    promotedAt: new Date().toISOString(),
    engine: { trainedOn: run.engine, backend: run.backend },
    validation,
    test: test ? { folder: testDir, images, ...test } : null,
    testFaceBoxes: faceBoxes && { file: path.resolve(faceBoxes.file), margin: faceBoxes.margin, cropped: faceBoxes.cropped, scoredWhole: faceBoxes.withoutBox + faceBoxes.outside.length },
    files: PACKAGE_FILES,
  };
}


/** The one-screen report of a promotion. */
export function formatPromotion(r: PromoteResult): string {
  const v = r.validation;
  const lines = [
    `promoted run ${r.runId} (${r.name}) for dataset ${r.dataset ?? '?'}, track ${r.track}`,
    `  test set     ${r.images} images in ${r.testDir}, scored on ${r.engine} in ${r.scoringSeconds.toFixed(1)}s`,
    ...(r.faceBoxes ? [`  face crops   ${describeFaceBoxUse(r.faceBoxes, r.images).replace(/^face crops: /, '')}`] : []),
    ...(r.faceBoxes === null && r.warnings.length > 0 ? ['  face crops   none: the test images were scored whole, though the run trained on face crops'] : []),
    `  submission   ${r.submission.join(', ')} (validated: header img_name,y_pred, one row per test image, y_pred in [0, 1])`,
    `  package      ${r.packageDir} (${r.packageFiles} files, sha256 of each in ${PACKAGE_FILES.manifest})`,
    `  parity       ${r.parity.checked} test images through the test API path match the CSV: max |diff| ${r.parity.maxAbsDiff.toExponential(1)} <= ${PARITY_TOLERANCE.toExponential(0)}`,
    `  validation   AUC ${fmt4(v.auc)}   TPR@1e-3 ${fmt4(v.tprAt1e3)} (on ${v.tprNegatives ?? '—'} negatives)   EER ${fmt4(v.eer)}`,
  ];
  if (r.test) lines.push(`  test         AUC ${fmt4(r.test.auc)}   TPR@1e-3 ${fmt4(r.test.tprAt1e3)} (on ${r.test.negatives} negatives)   EER ${fmt4(r.test.eer)}`);
  lines.push(`  serve it:    dfl serve ${r.packageDir} --root <image folder>`);
  return lines.join('\n') + '\n';
}
