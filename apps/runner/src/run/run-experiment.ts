import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError, writeFileAtomic } from '@dfl/core';
import {
  buildAugmentPipeline,
  buildManifest,
  buildTtaViews,
  createBatchLoader,
  openSplit,
  type DatasetManifest,
  type DatasetSplit,
  type ImageInputConfig,
} from '@dfl/data';
import { connectDatabase, RunRepository } from '@dfl/db';
import { declaresSweep, MINIMISED_METRICS, resolveExperiment, sha256Hex, type ExperimentResolution, type MetricName, type ResolvedExperiment } from '@dfl/experiment';
import { evaluateScores, type ScoreEvaluation } from '@dfl/metrics';
import { createModelFromConfig, describeLoad, loadPretrained, selectEngine, type BackboneModel, type EngineInfo } from '@dfl/models';
import { BestTracker, optimizers, schedules, trainEpoch, type ParameterOptimizer, type TrainableModel } from '@dfl/training';
import { catalog } from '../plugins';
import { carryOver } from './carry-over';
import { loadCheckpointInto, saveCheckpoint } from './checkpoints';
import { dataCoverageWarnings } from './data-coverage';
import { InterruptSignal, RunInterrupted } from './interrupt-signal';
import { collectProvenance } from './provenance';
import { buildRobustnessViews } from './robustness-views';
import { RunDir } from './run-dir';
import { epochMetric, restoreTrainingState, type ResumePoint } from './resume-point';
import { RunReporter, type RetryEvent } from './run-reporter';
import { scoreSplit, type SplitScores } from './score-split';
import { writePredictionsCsv } from './predictions-csv';

export interface RunRequest {
  /** The experiment file; ignored when `resolution` is given. */
  readonly file?: string;
  readonly overrides?: readonly string[];
  /** An already resolved config (reproduce replays a stored one). */
  readonly resolution?: ExperimentResolution;
  readonly quiet?: boolean;
  /** Append every event as a JSON line to this file ('-': stdout). */
  readonly jsonl?: string | null;
  /** Folder that holds `runs/<id>/`; default `<cwd>/runs`. */
  readonly runsRoot?: string;
  /** Database URL; default DATABASE_URL or the embedded server. */
  readonly databaseUrl?: string;
  readonly reproducedFrom?: string | null;
  readonly worker?: string | null;
  readonly sweepId?: string | null;
  /** A run id chosen beforehand (a queued run). */
  readonly runId?: string;
  /** `runId` is a queued run's row: take it over (queued -> running) instead of creating the row. */
  readonly takeQueued?: boolean;
  /** The dataset hash recorded when the run was queued: refuse to train on data that has changed since. */
  readonly expectedDatasetHash?: string | null;
  /** Go on with an interrupted or failed run from its last checkpoint (see findResumePoint); the rest is ignored. */
  readonly resume?: ResumePoint;
  /**
   * Record a new run (`runId`, `reproducedFrom`, ...) that goes on from this stopped run's last checkpoint: a queue
   * retry. Unlike `resume`, the stopped run keeps its row and folder as they ended; the new row starts with copies of
   * its epochs up to the checkpoint and the new folder with copies of its checkpoints and event log.
   */
  readonly continueFrom?: ResumePoint;
  /** A queue retry: what it does with the attempt before it, and why (logged after the start event). */
  readonly retry?: Omit<RetryEvent, 'type'>;
}

export interface RunOutcome {
  readonly runId: string;
  readonly status: 'finished' | 'failed' | 'interrupted';
  readonly runDir: string;
  readonly config: ResolvedExperiment;
  readonly configHash: string;
  readonly engine: EngineInfo;
  readonly final: ScoreEvaluation | null;
  readonly bestEpoch: number | null;
  readonly epochsDone: number;
  readonly seconds: number;
  readonly error: string | null;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Resolves (or takes) the config, opens the data, records the run, trains, evaluates, and records the outcome. */
export async function runExperiment(request: RunRequest): Promise<RunOutcome> {
  const started = now();
  const resume = request.resume ?? null;
  // where the training state comes from: the run itself (resume) or a stopped run this new one goes on from
  const from = resume ?? request.continueFrom ?? null;
  const resolution = from?.resolution ?? request.resolution ?? resolveFile(request);
  const cfg = resolution.config;
  const reporter = new RunReporter({ quiet: request.quiet ?? false, jsonl: request.jsonl ?? null });

  // Everything that can be checked without a database comes first, so a bad dataset is an error, not a failed run.
  const engine = await selectEngine(cfg.engine);
  const input: ImageInputConfig = { size: cfg.data.image_size, mean: cfg.data.mean as [number, number, number], std: cfg.data.std as [number, number, number], interpolation: cfg.data.interpolation };
  const { train, val, manifests, datasetHash } = await openData(cfg, request.quiet ?? false);
  for (const message of dataCoverageWarnings(train, val)) reporter.emit({ type: 'warning', message });
  const expectedHash = resume ? resume.run.datasetHash : request.expectedDatasetHash;
  if (expectedHash && expectedHash !== datasetHash) {
    const when = resume ? `run ${resume.run.id} started` : 'the run was queued';
    throw new UserError(`${cfg.data.root}: the dataset has changed since ${when} (manifest hash ${datasetHash.slice(0, 12)}, recorded ${expectedHash.slice(0, 12)}); refusing to train on different data`);
  }

  const db = await connectDatabase({ url: request.databaseUrl });
  const repo = new RunRepository(db);
  await repo.reapDeadRuns();
  const runId = resume?.run.id ?? request.runId ?? randomUUID();
  const dir = resume?.dir ?? RunDir.under(request.runsRoot ?? path.resolve('runs'), runId);
  const provenance = collectProvenance();
  const record = {
    name: cfg.name,
    tags: [...cfg.tags],
    resolvedConfig: JSON.parse(resolution.canonicalJson) as Record<string, unknown>,
    configHash: resolution.hash,
    datasetName: path.basename(cfg.data.root),
    datasetHash,
    gitCommit: provenance.gitCommit,
    gitDirty: provenance.gitDirty,
    engine: engine.engine,
    backend: engine.backend,
    packageVersions: provenance.packageVersions,
    host: provenance.host,
    pid: provenance.pid,
    worker: request.worker ?? null,
    seed: cfg.train.seed,
    backbone: cfg.model.backbone,
    epochsPlanned: cfg.train.epochs,
    runDir: dir.root,
    reproducedFrom: request.reproducedFrom ?? null,
    sweepId: request.sweepId ?? null,
    notes: cfg.notes || null,
  };
  if (resume) {
    const { gitCommit, gitDirty, engine: e, backend, packageVersions, host, pid, worker } = record;
    await repo.resumeRun(runId, resume.lastEpoch, { gitCommit, gitDirty, engine: e, backend, packageVersions, host, pid, worker });
  } else if (request.continueFrom) {
    await repo.createContinuedRun({ id: runId, ...record }, { runId: request.continueFrom.run.id, throughEpoch: request.continueFrom.lastEpoch });
  } else if (request.takeQueued && request.runId) await repo.startQueuedRun(runId, record);
  else await repo.createRun({ id: runId, ...record });

  const signal = new InterruptSignal().install();
  let model: BackboneModel | null = null;
  let optimizer: ParameterOptimizer | null = null;
  let epochsDone = 0;
  let bestEpoch: number | null = null;
  try {
    if (request.continueFrom) await carryOver(request.continueFrom.dir, dir);
    reporter.logTo(dir.log, { append: from !== null });
    if (!resume) {
      await dir.writeJson(dir.resolvedConfig, JSON.parse(resolution.canonicalJson));
      await dir.writeJson(dir.manifest, { datasetHash, ...manifests });
    }
    reporter.emit({ type: 'start', runId, name: cfg.name, engine: engine.engine, backend: engine.backend, epochs: cfg.train.epochs, trainImages: train.items.length, valImages: val.items.length, ...(from ? { resumedAfterEpoch: from.lastEpoch } : {}) });
    if (request.retry) reporter.emit({ type: 'retry', ...request.retry });

    model = createModelFromConfig({ backbone: cfg.model.backbone, numClasses: cfg.model.num_classes, seed: cfg.train.seed, options: cfg.model.options as Record<string, unknown> });
    if (cfg.model.pretrained && !from) {
      const report = await loadPretrained(model, cfg.model.pretrained);
      for (const line of describeLoad(report)) reporter.emit({ type: 'warning', message: line });
    }
    const trainable: TrainableModel = { apply: (x, training) => (model as BackboneModel).apply(x, { training }), trainableVariables: model.trainableVariables };
    const optimizerSpec = optimizers.get(cfg.train.optimizer.name);
    optimizer = optimizerSpec.create(pluginOptions(cfg.train.optimizer));
    if (from) await restoreTrainingState(from, model, optimizer);
    const augment = buildAugmentPipeline(cfg.augment as never);
    const trainLoader = createBatchLoader({ items: train.items, input, augment, batchSize: cfg.train.batch_size, seed: cfg.train.seed, onBadImage: cfg.data.bad_images });
    const stepsPerEpoch = Math.ceil(trainLoader.plannedSamples(0) / cfg.train.batch_size / cfg.train.grad_accumulation);
    const lrAt = schedules.get(cfg.train.schedule.name).build(pluginOptions(cfg.train.schedule) as never, { baseLr: cfg.train.optimizer.lr, epochs: cfg.train.epochs, stepsPerEpoch });
    const tta = buildTtaViews(cfg.tta.views as never);
    const selectBy = cfg.train.select_best_by as MetricName;
    const best = new BestTracker(MINIMISED_METRICS.includes(selectBy) ? 'min' : 'max');
    const stopping = cfg.train.early_stopping;
    const stopper = new BestTracker(stopping.mode, stopping.patience, stopping.min_delta);
    // the validation split under the experiment's TTA (or a degraded copy of it, for the robustness views)
    // scored through the folded inference view (BatchNorm in the convolutions) as promote and the test API score,
    // made afresh from the current weights each time
    const scoreVal = async (views = tta) => {
      const folded = (model as BackboneModel).inference();
      try {
        const scorer: TrainableModel = { apply: (x) => folded.predict(x), trainableVariables: [] };
        return await scoreSplit({ model: scorer, items: val.items, input, views, combine: cfg.tta.combine, numClasses: cfg.model.num_classes as 1 | 2, batchSize: cfg.train.batch_size, onBadImage: cfg.data.bad_images });
      } finally {
        folded.dispose();
      }
    };

    let firstEpoch = 0;
    let stopped = false;
    if (from) {
      // the trackers see the kept epochs again, as if the run had never stopped
      for (const line of from.epochs) {
        if (best.update(line.epoch, epochMetric(line, selectBy))) bestEpoch = line.epoch;
        if (stopping.patience > 0) {
          stopper.update(line.epoch, epochMetric(line, stopping.metric as MetricName));
          stopped = stopper.shouldStop;
        }
      }
      firstEpoch = from.lastEpoch + 1;
      epochsDone = firstEpoch;
      // the epoch lines after the checkpoint go: those epochs are trained again (the kept lines as read, whole)
      await writeFileAtomic(dir.epochsJsonl, from.epochs.map((line) => `${JSON.stringify(line)}\n`).join(''));
    }

    for (let epoch = firstEpoch; epoch < cfg.train.epochs && !stopped; epoch++) {
      const t0 = now();
      model.seedMasksForEpoch(epoch);
      const planned = Math.ceil(trainLoader.plannedSamples(epoch) / cfg.train.batch_size);
      const result = await trainEpoch({
        model: trainable,
        optimizer,
        lrAt: (step) => lrAt(epoch, step),
        batches: trainLoader.epoch(epoch),
        labelSmoothing: cfg.train.label_smoothing,
        gradClip: cfg.train.grad_clip,
        gradAccumulation: cfg.train.grad_accumulation,
        onStep: (s) => {
          signal.check();
          reporter.emit({ type: 'step', epoch, step: s.step, steps: planned, loss: s.loss, lr: s.lr, imgPerSec: s.images / Math.max(1e-9, s.dataSeconds + s.stepSeconds) });
        },
      });
      signal.check();
      const scored = await scoreVal();
      const evaluation = evaluateLabelled(scored, cfg.eval.max_fpr, null, val.labelsFile ?? val.imagesDir);
      const metrics = epochMetrics(evaluation);
      const isBest = best.update(epoch, metrics[selectBy]);
      if (isBest) {
        bestEpoch = epoch;
        await saveCheckpoint(dir.bestCheckpoint, model, { epoch, metrics, configHash: resolution.hash });
      }
      const seconds = now() - t0;
      const lr = lrAt(epoch, 0);
      const record = { epoch, lr, trainLoss: result.meanLoss, valLoss: metrics.loss, valAuc: metrics.auc, valTpr: metrics.tpr_at_fpr, valEer: metrics.eer, valAp: metrics.ap, imgS: result.images / Math.max(1e-9, result.dataSeconds + result.stepSeconds), dataS: result.dataSeconds, stepS: result.stepSeconds, durationS: seconds };
      await repo.recordEpoch(runId, record);
      await appendEpochLine(dir, { ...record, valAccuracy: metrics.accuracy, best: isBest, skipped: trainLoader.skipped().length });
      // The last checkpoint comes after the epoch's records: a resume starts from it and redoes any epoch recorded
      // after it, so a crash between the two loses nothing.
      await saveCheckpoint(dir.lastCheckpoint, model, { epoch, metrics, configHash: resolution.hash }, optimizer);
      epochsDone = epoch + 1;
      reporter.emit({ type: 'epoch', epoch, epochs: cfg.train.epochs, lr, trainLoss: result.meanLoss, valLoss: metrics.loss, valAuc: metrics.auc, valTpr: metrics.tpr_at_fpr, valEer: metrics.eer, valAp: metrics.ap, imgPerSec: record.imgS, dataSeconds: result.dataSeconds, stepSeconds: result.stepSeconds, seconds, best: isBest });
      if (stopping.patience > 0) {
        stopper.update(epoch, metrics[stopping.metric as MetricName]);
        if (stopper.shouldStop) {
          reporter.emit({ type: 'early_stop', epoch, metric: stopping.metric, best: stopper.best?.value ?? NaN });
          break;
        }
      }
    }

    // Final figures come from the best checkpoint as saved, read back: the same weights promote will package.
    await loadCheckpointInto(dir.bestCheckpoint, model);
    const final = await scoreVal();
    const evaluation = evaluateLabelled(final, cfg.eval.max_fpr, cfg.eval.bootstrap, val.labelsFile ?? val.imagesDir);
    const robustness: Record<string, { auc: number; tpr: number; eer: number }> = {};
    for (const view of buildRobustnessViews(cfg.eval.robustness, tta)) {
      signal.check();
      const degraded = await scoreVal(view.views);
      const e = evaluateLabelled(degraded, cfg.eval.max_fpr, null, view.key);
      robustness[view.key] = { auc: e.auc, tpr: e.tprAtFpr.tpr, eer: e.eer.eer };
    }
    await writePredictionsCsv(dir.valPredictions, final.names, final.scores);
    const roc = evaluation.rocCurve.fpr.map((f, i) => [f, evaluation.rocCurve.tpr[i]] as [number, number]);
    await dir.writeJson(dir.rocPoints, evaluation.rocCurve);
    const skipped = [...trainLoader.skipped(), ...final.skipped];
    const summary = {
      auc: evaluation.auc,
      tprAtFpr: evaluation.tprAtFpr,
      eer: evaluation.eer.eer,
      ap: evaluation.averagePrecision,
      accuracy: evaluation.accuracy,
      logLoss: evaluation.logLoss,
      bootstrap: evaluation.bootstrap,
      warnings: evaluation.warnings,
      bestEpoch,
      robustness,
      skippedImages: skipped,
      // images cropped to their face box, and those used whole for want of one (null: no face-box file)
      faceBoxes: { train: train.faces, val: val.faces },
      // images whose sbi pseudo-fakes mask the landmark hull (null: no landmark file)
      landmarks: { train: train.landmarks },
    };
    await dir.writeJson(dir.metrics, summary);
    // a resumed run's duration counts the attempt it goes on from too
    const seconds = now() - started + (from?.run.durationS ?? 0);
    await repo.finishRun(runId, {
      auc: evaluation.auc,
      aucCi: evaluation.bootstrap?.auc ? [evaluation.bootstrap.auc.low, evaluation.bootstrap.auc.high] : null,
      tprAt1e3: evaluation.tprAtFpr.tpr,
      tprCi: evaluation.bootstrap?.tprAtFpr ? [evaluation.bootstrap.tprAtFpr.low, evaluation.bootstrap.tprAtFpr.high] : null,
      tprNegatives: evaluation.tprAtFpr.negatives,
      eer: evaluation.eer.eer,
      ap: evaluation.averagePrecision,
      accuracy: evaluation.accuracy,
      logLoss: evaluation.logLoss,
      rocPoints: roc,
      robustness,
      artefacts: dir.artefacts(),
      durationS: seconds,
      epochsDone,
    });
    for (const w of evaluation.warnings) reporter.record({ type: 'warning', message: w }); // the summary shows them
    if (skipped.length > 0) reporter.emit({ type: 'warning', message: `${skipped.length} image(s) skipped (data.bad_images: skip); listed in ${dir.metrics}` });
    reporter.emit({ type: 'finish', runId, status: 'finished', auc: evaluation.auc, tpr: evaluation.tprAtFpr.tpr, seconds });
    reporter.close();
    return { runId, status: 'finished', runDir: dir.root, config: cfg, configHash: resolution.hash, engine, final: evaluation, bestEpoch, epochsDone, seconds, error: null };
  } catch (err) {
    reporter.close();
    const interrupted = err instanceof RunInterrupted;
    const message = err instanceof Error ? err.message : String(err);
    if (interrupted) await repo.markInterrupted(runId, message);
    else await repo.failRun(runId, message);
    reporter.emit({ type: 'finish', runId, status: interrupted ? 'interrupted' : 'failed', auc: null, tpr: null, seconds: now() - started });
    const outcome: RunOutcome = { runId, status: interrupted ? 'interrupted' : 'failed', runDir: dir.root, config: cfg, configHash: resolution.hash, engine, final: null, bestEpoch, epochsDone, seconds: now() - started, error: message };
    throw new RunFailed(outcome, err);
  } finally {
    signal.uninstall();
    optimizer?.dispose();
    model?.dispose();
    await db.destroy();
  }
}

/** A run that was recorded as failed or interrupted; carries the outcome for the summary. */
export class RunFailed extends UserError {
  constructor(
    readonly outcome: RunOutcome,
    readonly original: unknown,
  ) {
    super(`run ${outcome.runId} ${outcome.status}: ${outcome.error}`, outcome.status === 'interrupted' ? 130 : 1);
  }
}

function resolveFile(request: RunRequest): ExperimentResolution {
  if (!request.file) throw new UserError('no experiment file given');
  if (declaresSweep(request.file)) {
    throw new UserError(`${request.file} declares a sweep: enqueue its runs with 'dfl submit ${request.file} --sweep' and run 'dfl worker' (or remove the sweep: block to run the base config)`);
  }
  return resolveExperiment(request.file, { catalog, overrides: request.overrides ?? [] });
}

/** A plug-in entry without its `name` (and the optimizer's `lr`): the options its own schema validated. */
function pluginOptions(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { name: _name, lr: _lr, ...options } = entry;
  return options;
}

/** Opens train and val, builds their manifests and the dataset hash a run records (reproduce checks it first). */
export async function openData(cfg: ResolvedExperiment, quiet: boolean): Promise<{ train: DatasetSplit; val: DatasetSplit; manifests: Record<string, DatasetManifest>; datasetHash: string }> {
  const d = cfg.data;
  const faces = { faceMargin: d.face_margin };
  const train = await openSplit({ root: d.root, layout: d.layout, images: d.train.images, labels: d.train.labels, onlyReal: d.train.only_real, faceBoxes: d.train.face_boxes, landmarks: d.train.landmarks, ...faces });
  const val = await openSplit({ root: d.root, layout: d.layout, images: d.val.images, labels: d.val.labels, faceBoxes: d.val.face_boxes, ...faces });
  const where = (s: DatasetSplit) => s.labelsFile ?? s.imagesDir;
  if (train.items.length === 0) throw new UserError(`${where(train)}: the training split has no images`);
  const valReal = val.items.filter((i) => i.label === 0).length;
  const valFake = val.items.filter((i) => i.label === 1).length;
  if (valReal === 0 || valFake === 0) {
    throw new UserError(`${where(val)}: the validation split needs both classes to pick a checkpoint by AUC; it has ${valReal} real and ${valFake} fake images`);
  }
  const manifests = {
    train: await buildManifest(train.items, { label: 'scanning train', quiet }),
    val: await buildManifest(val.items, { label: 'scanning val', quiet }),
  };
  const datasetHash = sha256Hex(`train:${manifests.train.sha256}\nval:${manifests.val.sha256}\n`);
  return { train, val, manifests, datasetHash };
}

/** Evaluates the labelled images of a scored split; names the split in the error when it cannot be scored. */
function evaluateLabelled(scored: SplitScores, maxFpr: number, bootstrap: { n: number; seed: number } | null, where: string): ScoreEvaluation {
  try {
    return evaluateScores(scored.labels, scored.scores, { maxFpr, bootstrap: bootstrap ?? undefined });
  } catch (err) {
    throw new UserError(`${where}: cannot evaluate: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function epochMetrics(e: ScoreEvaluation): Record<MetricName, number> {
  return { auc: e.auc, tpr_at_fpr: e.tprAtFpr.tpr, eer: e.eer.eer, ap: e.averagePrecision, loss: e.logLoss, accuracy: e.accuracy };
}

async function appendEpochLine(dir: RunDir, record: Record<string, unknown>): Promise<void> {
  const previous = await fs.readFile(dir.epochsJsonl, 'utf8').catch(() => '');
  // rewritten whole (atomically) rather than appended, so a crash never leaves a torn last line
  await writeFileAtomic(dir.epochsJsonl, previous + JSON.stringify(record) + '\n');
}
