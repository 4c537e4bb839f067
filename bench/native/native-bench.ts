/**
 * The native (oneDNN) engine on the backbones: training and inference img/s beside PyTorch measured in the same
 * run, and where a training step's time goes (tfjs kernels by name, and the addon's own time per kernel family).
 *
 *   npm run bench:native -- [--models resnet18,efficientnet_b0,mobilenet_v2] [--size 128] [--batch 32]
 *                           [--warmup 1] [--steps 3] [--threads 2] [--no-torch] [--no-profile] [--cpu-time]
 *
 * --cpu-time: CPU seconds per step on ONE thread for both engines (process CPU time, ours and PyTorch's via
 * torch_cpu_time.py): what each engine costs, barely moved by other processes on the shared cores, where img/s
 * under load mostly measures the load.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '@dfl/models';
import { nativeEngineStatus, nativeKernelStats, nativePrimitives, registerNativeBackend, resetNativeKernelStats } from '@dfl/native-engine';
import { benchOptimizer, timeInference, timeTraining, trainStep } from '../engine/throughput';
import { profileTrainStep } from '../engine/kernel-profile';
import { runTorchReference } from '../engine/torch-reference';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const models = option('models', 'resnet18,efficientnet_b0,mobilenet_v2').split(',');
  const size = Number(option('size', '128'));
  const batch = Number(option('batch', '32'));
  const warmup = Number(option('warmup', '1'));
  const steps = Number(option('steps', '3'));
  const reg = registerNativeBackend({ threads: Number(option('threads', '2')) });
  if (!reg.ok) {
    console.log(`native engine unavailable: ${reg.reason}`);
    return;
  }
  await tf.setBackend('native');
  const status = nativeEngineStatus();
  console.log(`native engine: oneDNN ${status.onednn} (${status.isa}), ${reg.threads} threads; ${size} px, batch ${batch}, median of ${steps} after ${warmup} warm-up`);
  // The addon defaults it to passive before loading libgomp; PyTorch (a child process) inherits the same value, and
  // is faster with it on these shared cores too (resnet18 train 21 -> 27 img/s at load ~3.5).
  console.log(`OpenMP wait policy, both engines: OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY ?? '(unset)'}; load: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const torch = process.argv.includes('--no-torch') ? undefined : runTorchReference(size, batch, models);
  if (torch?.reason) console.log(`PyTorch reference unavailable: ${torch.reason}`);

  if (process.argv.includes('--cpu-time')) return cpuTime(models, size, batch, steps);

  const rows: string[] = [];
  for (const name of models) {
    const model = createModel(name, { numClasses: 2 });
    try {
      const train = timeTraining(model, batch, size, warmup, steps);
      const infer = timeInference(model, batch, size, warmup, steps);
      const ref = torch?.figures?.find((f) => f.model === name);
      const ratio = (ours: number, theirs?: number) => (theirs ? `${(ours / theirs).toFixed(2)}x` : '-');
      rows.push(
        `${name.padEnd(16)} train ${train.imgPerSec.toFixed(1).padStart(6)} (torch ${ref?.train ?? '-'}, ${ratio(train.imgPerSec, ref?.train)})` +
          `   infer ${infer.imgPerSec.toFixed(1).padStart(6)} (torch ${ref?.infer ?? '-'}, ${ratio(infer.imgPerSec, ref?.infer)})`,
      );
      console.log(rows[rows.length - 1]);
      if (!process.argv.includes('--no-profile')) {
        resetNativeKernelStats();
        const profile = await profileTrainStep(model, batch, size);
        const total = profile.kernels.reduce((s, k) => s + k.ms, 0);
        console.log(`  one training step under the profiler: ${profile.stepMs.toFixed(0)} ms, kernels ${total.toFixed(0)} ms`);
        for (const k of profile.kernels.slice(0, 18)) {
          console.log(`    ${k.kernel.padEnd(36)} ${String(k.calls).padStart(5)} calls ${k.ms.toFixed(1).padStart(9)} ms ${((100 * k.ms) / total).toFixed(1).padStart(5)} %`);
        }
        const stats = Object.entries(nativeKernelStats()).sort((a, b) => b[1].ms - a[1].ms);
        console.log(`  inside the addon: ${stats.map(([k, s]) => `${k} ${s.ms.toFixed(0)} ms/${s.calls}`).join(', ')}`);
      }
    } finally {
      model.dispose();
    }
  }
  console.log(`\nSummary (img/s; ratio = native / PyTorch, same run; load now ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  for (const r of rows) console.log(r);
  if (process.argv.includes('--primitives')) {
    for (const [key, impl] of Object.entries(nativePrimitives())) console.log(`  ${impl.padEnd(28)} ${key}`);
  }
}

/** CPU seconds per step, one thread, both engines (see --cpu-time). */
async function cpuTime(models: string[], size: number, batch: number, steps: number): Promise<void> {
  registerNativeBackend({ threads: 1 });
  const script = path.join(__dirname, 'torch_cpu_time.py');
  const torch = spawnSync('/usr/bin/python3', [script, String(size), String(batch), String(steps), ...models], { encoding: 'utf8' });
  const ref = new Map<string, { train: number; infer: number }>();
  for (const line of torch.stdout.split('\n')) {
    const m = /^(\S+)\ttrain_cpu_s=([\d.]+)\tinfer_cpu_s=([\d.]+)/.exec(line);
    if (m) ref.set(m[1], { train: Number(m[2]), infer: Number(m[3]) });
  }
  if (ref.size === 0) console.log(`PyTorch CPU-time reference failed: ${torch.stderr.trim().split('\n').slice(-1)[0]}`);
  console.log('CPU seconds per step, 1 thread (ratio = PyTorch / native: above 1 means native is cheaper)');
  for (const name of models) {
    const model = createModel(name, { numClasses: 2 });
    try {
      const cpuOf = (f: () => void) => {
        f();
        const start = process.cpuUsage();
        for (let i = 0; i < steps; i++) f();
        const used = process.cpuUsage(start);
        return (used.user + used.system) / 1e6 / steps;
      };
      const { x, y } = tf.tidy(() => {
        const xs = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        return { x: xs, y: tf.oneHot(tf.randomUniform([batch], 0, 2, 'int32', 2), 2).toFloat() as tf.Tensor2D };
      });
      const opt = benchOptimizer();
      const train = cpuOf(() => trainStep(model, opt, x, y));
      const folded = model.inference(); // the path scoring takes, as timeInference measures
      const infer = cpuOf(() => {
        const out = folded.predict(x);
        out.dataSync();
        out.dispose();
      });
      folded.dispose();
      opt.dispose();
      tf.dispose([x, y]);
      const r = ref.get(name);
      const ratio = (theirs: number | undefined, ours: number) => (theirs ? `${(theirs / ours).toFixed(2)}` : '-');
      console.log(
        `${name.padEnd(16)} train native ${train.toFixed(2)} s, torch ${r?.train.toFixed(2) ?? '-'} s (${ratio(r?.train, train)})` +
          `   infer native ${infer.toFixed(2)} s, torch ${r?.infer.toFixed(2) ?? '-'} s (${ratio(r?.infer, infer)})`,
      );
    } finally {
      model.dispose();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
