/**
 * Training and inference throughput of the backbones on every available TensorFlow.js engine, beside PyTorch's
 * figures measured in the same run (/work/shared/bench/torch_throughput.py), plus a per-kernel profile of one
 * training step of each model. Each measurement runs in its own process: a fresh wasm heap (4 GB at most) per model,
 * and a crash or out-of-memory is reported instead of ending the run.
 *
 *   npm run bench:engine -- [--models resnet18,efficientnet_b0,mobilenet_v2] [--size 128] [--batch 32]
 *                           [--engines tensorflow,native,wasm,cpu] [--warmup 1] [--steps 3] [--no-torch] [--no-profile]
 *                           [--profile-models <list>: whose training step is profiled per kernel; default --models]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { backbones, createModel, selectEngine } from '@dfl/models';
import { profileTrainStep } from './kernel-profile';
import { timeInference, timeTraining } from './throughput';
import { runTorchReference, type TorchFigure } from './torch-reference';

interface Job {
  engine: string;
  model: string;
  mode: 'train' | 'infer' | 'profile';
  batch: number;
  size: number;
  warmup: number;
  steps: number;
}

interface JobResult {
  ok: boolean;
  reason?: string;
  unavailable?: boolean;
  engine?: { engine: string; backend: string; simd: boolean; threads: number; package: string };
  imgPerSec?: number;
  secPerBatch?: number;
  loss?: number;
  stepMs?: number;
  kernels?: { kernel: string; calls: number; ms: number }[];
  wallSec?: number;
}

// ---------------------------------------------------------------- child: one measurement in a fresh process
async function runChild(job: Job): Promise<JobResult> {
  let engine;
  try {
    engine = await selectEngine(job.engine as 'wasm');
  } catch (err) {
    return { ok: false, unavailable: true, reason: (err as Error).message.split('\n')[0] };
  }
  if (!backbones.has(job.model)) return { ok: false, unavailable: true, reason: `${job.model} is not in the zoo (yet)` };
  const model = createModel(job.model, { numClasses: 2, seed: 0 });
  const info = { engine: engine.engine, backend: engine.backend, simd: engine.simd, threads: engine.threads, package: engine.package };
  try {
    if (job.mode === 'train') return { ok: true, engine: info, ...timeTraining(model, job.batch, job.size, job.warmup, job.steps) };
    if (job.mode === 'infer') return { ok: true, engine: info, ...timeInference(model, job.batch, job.size, job.warmup, job.steps) };
    return { ok: true, engine: info, ...(await profileTrainStep(model, job.batch, job.size)) };
  } finally {
    model.dispose();
  }
}

function spawnJob(job: Job): JobResult {
  const t = performance.now();
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSec = (performance.now() - t) / 1000;
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return { ...(JSON.parse(line.slice(7)) as JobResult), wallSec };
  const why = (r.stderr || '').trim().split('\n').filter((l) => /error|abort|memory/i.test(l)).slice(-1)[0] ?? `exit ${r.status ?? r.signal}`;
  return { ok: false, reason: why.slice(0, 200), wallSec };
}

// ---------------------------------------------------------------- parent
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Engine-specific limits, said out loud in the output. */
function plan(engine: string, model: string, batch: number): { train?: number; infer: number; note?: string } {
  if (engine === 'cpu') return { infer: 2, note: 'cpu: pure-JS kernels, inference at batch 2 only (a batch-32 training step takes minutes)' };
  if (engine === 'wasm' && (model === 'mobilenet_v2' || model === 'efficientnet_b0') && batch > 16) {
    return { train: 16, infer: batch, note: `wasm: ${model} trains at batch 16 (batch 32 exceeds the 4 GB wasm heap in the backward pass)` };
  }
  return { train: batch, infer: batch };
}

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

async function main(): Promise<void> {
  const models = arg('models', 'resnet18,efficientnet_b0,mobilenet_v2').split(',');
  const engines = arg('engines', 'tensorflow,native,wasm,cpu').split(',');
  const size = Number(arg('size', '128'));
  const batch = Number(arg('batch', '32'));
  const warmup = Number(arg('warmup', '1'));
  const steps = Number(arg('steps', '3'));
  const profiled = arg('profile-models', models.join(',')).split(',');
  const started = performance.now();
  process.stdout.write(
    `bench:engine  ${new Date().toISOString()}  ${cpus()[0]?.model ?? '?'} x${cpus().length}  node ${process.version}\n` +
      `models ${models.join(', ')}  ${size} px  batch ${batch}  median of ${steps} timed steps after ${warmup} warm-up\n\n`,
  );

  // PyTorch is measured model by model, just before our engines run that model: the machine is shared, and a
  // reference taken minutes apart from our figures would compare different loads.
  const torch: TorchFigure[] = [];
  const withTorch = !process.argv.includes('--no-torch');
  const rows: { engine: string; model: string; trainBatch?: number; train?: number; inferBatch: number; infer?: number; note?: string }[] = [];
  const notes = new Set<string>();
  const unavailable = new Set<string>();
  for (const model of models) {
    if (withTorch) {
      const ref = runTorchReference(size, batch, [model]);
      if (ref.figures) {
        torch.push(...ref.figures);
        for (const f of ref.figures) process.stdout.write(`${'torch'.padEnd(10)} ${f.model.padEnd(16)} train ${fmt(f.train, 2)} img/s, infer ${fmt(f.infer, 2)} img/s (batch ${batch})\n`);
      } else process.stdout.write(`torch ${model}: unavailable (${ref.reason})\n`);
    }
    for (const engine of engines) {
      if (unavailable.has(engine)) continue;
      let engineOk = true;
      const p = plan(engine, model, batch);
      if (p.note) notes.add(p.note);
      const row: (typeof rows)[number] = { engine, model, trainBatch: p.train, inferBatch: p.infer };
      const results: [string, JobResult][] = [];
      if (p.train !== undefined) {
        let r = spawnJob({ engine, model, mode: 'train', batch: p.train, size, warmup, steps });
        // The wasm heap is capped at 4 GB: halve the batch once when the backward pass runs out of it.
        if (!r.ok && engine === 'wasm' && /Aborted|memory/i.test(r.reason ?? '') && p.train > 1) {
          const half = Math.ceil(p.train / 2);
          notes.add(`wasm: ${model} at batch ${p.train} ran out of the 4 GB wasm heap; trained at batch ${half}`);
          row.trainBatch = half;
          r = spawnJob({ engine, model, mode: 'train', batch: half, size, warmup, steps });
        }
        results.push(['train', r]);
      }
      const inferSteps = engine === 'cpu' ? 1 : steps;
      results.push(['infer', spawnJob({ engine, model, mode: 'infer', batch: p.infer, size, warmup: engine === 'cpu' ? 0 : warmup, steps: inferSteps })]);
      for (const [mode, r] of results) {
        if (!r.ok) {
          if (r.unavailable && /engine '/.test(r.reason ?? '')) {
            engineOk = false;
            unavailable.add(engine);
            process.stdout.write(`${engine}: unavailable (${r.reason})\n`);
            break;
          }
          process.stdout.write(`${engine} ${model} ${mode}: failed (${r.reason})\n`);
          row.note = r.reason;
          continue;
        }
        if (mode === 'train') row.train = r.imgPerSec;
        else row.infer = r.imgPerSec;
        process.stdout.write(
          `${engine.padEnd(10)} ${model.padEnd(16)} ${mode.padEnd(5)} batch ${String(mode === 'train' ? row.trainBatch : p.infer).padStart(2)}: ` +
            `${fmt(r.imgPerSec, 2)} img/s (${fmt(r.secPerBatch, 2)} s/batch${r.loss !== undefined ? `, loss ${r.loss.toFixed(4)}` : ''}; ` +
            `${r.engine?.backend}, simd ${r.engine?.simd}, threads ${r.engine?.threads}; ${fmt(r.wallSec, 0)} s wall)\n`,
        );
      }
      if (engineOk) rows.push(row);
    }
  }
  const available = engines.filter((e) => !unavailable.has(e));

  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`\nSummary (img/s; ratio = ours / PyTorch, measured in this run; load now ${load}; OMP_WAIT_POLICY passive unless set)\n`);
  process.stdout.write(`${'model'.padEnd(16)} ${'engine'.padEnd(10)} ${'train'.padStart(8)} ${'torch'.padStart(7)} ${'ratio'.padStart(6)}   ${'infer'.padStart(8)} ${'torch'.padStart(7)} ${'ratio'.padStart(6)}\n`);
  for (const r of rows) {
    const t = torch.find((f) => f.model === r.model);
    const tb = r.trainBatch !== undefined && r.trainBatch !== batch ? `@${r.trainBatch}` : '';
    const ib = r.inferBatch !== batch ? `@${r.inferBatch}` : '';
    process.stdout.write(
      `${r.model.padEnd(16)} ${r.engine.padEnd(10)} ${(fmt(r.train, 2) + tb).padStart(8)} ${fmt(t?.train).padStart(7)} ${(t && r.train ? (r.train / t.train).toFixed(3) : '-').padStart(6)}   ` +
        `${(fmt(r.infer, 2) + ib).padStart(8)} ${fmt(t?.infer).padStart(7)} ${(t && r.infer ? (r.infer / t.infer).toFixed(3) : '-').padStart(6)}\n`,
    );
  }
  for (const n of notes) process.stdout.write(`note: ${n}\n`);

  if (!process.argv.includes('--no-profile')) {
    for (const engine of available.filter((e) => e !== 'cpu')) for (const model of profiled) {
      const r = spawnJob({ engine, model, mode: 'profile', batch, size, warmup: 1, steps: 1 });
      process.stdout.write(`\nPer-kernel profile: one ${model} training step, ${engine}, batch ${batch}, ${size} px\n`);
      if (!r.ok || !r.kernels) {
        process.stdout.write(`  failed: ${r.reason}\n`);
        continue;
      }
      const total = r.kernels.reduce((s, k) => s + k.ms, 0);
      process.stdout.write(`  step ${fmt(r.stepMs! / 1000, 2)} s under the profiler, kernels ${fmt(total / 1000, 2)} s\n`);
      for (const k of r.kernels.slice(0, 18)) {
        process.stdout.write(`  ${k.kernel.padEnd(36)} ${String(k.calls).padStart(5)} calls ${fmt(k.ms, 0).padStart(8)} ms ${fmt((100 * k.ms) / total).padStart(5)} %\n`);
      }
    }
  }
  process.stdout.write(`\nbench:engine took ${fmt((performance.now() - started) / 1000, 0)} s\n`);
}

if (process.argv.includes('--child')) {
  const job = JSON.parse(process.argv[process.argv.indexOf('--child') + 1]) as Job;
  runChild(job)
    .then((r) => process.stdout.write(`RESULT ${JSON.stringify(r)}\n`))
    .catch((err: Error) => process.stdout.write(`RESULT ${JSON.stringify({ ok: false, reason: err.message.split('\n')[0] })}\n`));
} else {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
