import * as tf from '@tensorflow/tfjs';
import type { BackboneModel } from '@dfl/models';
import { benchOptimizer, randomBatch, trainStep } from './throughput';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Where a training step's time goes: tf.profile of one step (after one warm-up step), kernel times summed by
 * kernel name. Our composed kernels call the backend's kernels directly, so their cost shows under their own name.
 */
export async function profileTrainStep(model: BackboneModel, batch: number, size: number): Promise<{ stepMs: number; kernels: KernelTime[] }> {
  const { x, y } = randomBatch(batch, size, model.config.numClasses);
  const opt = benchOptimizer();
  try {
    trainStep(model, opt, x, y);
    const t = performance.now();
    const info = await tf.profile(() => {
      trainStep(model, opt, x, y);
    });
    const stepMs = performance.now() - t;
    const byName = new Map<string, KernelTime>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : ((await k.kernelTimeMs) as number);
      const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
      row.calls += 1;
      row.ms += Number.isFinite(ms) ? ms : 0;
      byName.set(k.name, row);
    }
    return { stepMs, kernels: [...byName.values()].sort((a, b) => b.ms - a.ms) };
  } finally {
    opt.dispose();
    tf.dispose([x, y]);
  }
}
