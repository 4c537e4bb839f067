import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { writeDirAtomic } from '@dfl/core';
import { loadPretrained, optimizerStateByKey, saveTfjsFolder, serializeSafetensors, type BackboneModel } from '@dfl/models';
import type { ParameterOptimizer } from '@dfl/training';

/**
 * A run checkpoint folder: `model/` (a tfjs model folder with the model config: what promote and the test API
 * rebuild the network from), `meta.json` (epoch, metrics, config hash) and, for the last checkpoint,
 * `optimizer.safetensors` (moments, so a run can resume). Published atomically: a crash never leaves a folder
 * that looks complete.
 */
export async function saveCheckpoint(dir: string, model: BackboneModel, meta: Record<string, unknown>, optimizer?: ParameterOptimizer): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await saveTfjsFolder(model, path.join(tmp, 'model'));
    if (optimizer) {
      const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
      // keyed by state-dict names: tfjs variable names differ from one process to the next, so a resumed run
      // maps the moments back with optimizerStateByVariable on its own model
      for (const [name, t] of Object.entries(optimizerStateByKey(model, optimizer.getState()))) {
        tensors.set(name, { shape: [...t.shape], values: t.dataSync() as Float32Array });
      }
      const step = (optimizer as { stepCount?: number }).stepCount;
      await fs.writeFile(path.join(tmp, 'optimizer.safetensors'), serializeSafetensors(tensors, { optimizer: optimizer.name, step: String(step ?? 0) }));
    }
    await fs.writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ savedAt: new Date().toISOString(), ...meta }, null, 2) + '\n');
  });
}

/** Loads a checkpoint's weights into a model of the same architecture (every key and shape checked). */
export async function loadCheckpointInto(dir: string, model: BackboneModel): Promise<void> {
  await loadPretrained(model, path.join(dir, 'model'));
}
