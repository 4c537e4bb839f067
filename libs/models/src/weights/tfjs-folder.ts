import * as tf from '@tensorflow/tfjs';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError, writeDirAtomic } from '@dfl/core';
import type { BackboneModel } from '../backbones/backbone-model';
import { stateDictOf, type RawTensor } from './state-dict';

// A tfjs model folder: model.json with a `weightsManifest` ([{paths, weights: [{name, shape, dtype}]}]) and the
// binary shards it lists, as tf.io / tensorflowjs_converter write them. Weight names must be our parameter keys
// (PyTorch's names) in our NHWC layout; a folder from another model fails listing the keys that do not fit.

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Reads every weight of a tfjs model folder as float32 tensors. */
export async function readTfjsFolder(dir: string): Promise<Map<string, RawTensor>> {
  const jsonPath = path.join(dir, 'model.json');
  let manifest: ManifestGroup[];
  try {
    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as { weightsManifest?: ManifestGroup[] };
    if (!Array.isArray(json.weightsManifest)) throw new Error('no weightsManifest');
    manifest = json.weightsManifest;
  } catch (err) {
    throw new UserError(`${jsonPath}: not a tfjs model.json (${(err as Error).message})`);
  }
  const out = new Map<string, RawTensor>();
  for (const group of manifest) {
    const shards: Buffer[] = [];
    for (const p of group.paths) {
      try {
        shards.push(await readFile(path.join(dir, p)));
      } catch {
        throw new UserError(`${jsonPath}: weight shard '${p}' listed in the manifest is missing`);
      }
    }
    const all = Buffer.concat(shards);
    const named = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), group.weights);
    for (const [name, t] of Object.entries(named)) {
      out.set(name, { shape: [...t.shape], values: Float32Array.from(t.dataSync() as ArrayLike<number>) });
      t.dispose();
    }
  }
  return out;
}

export async function isTfjsFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory() && (await stat(path.join(p, 'model.json'))).isFile();
  } catch {
    return false;
  }
}

/** Writes the model's weights as a tfjs model folder (model.json + weights.bin), with its config; atomic. */
export async function saveTfjsFolder(model: BackboneModel, dir: string): Promise<void> {
  const named: tf.NamedTensorMap = {};
  for (const [key, raw] of stateDictOf(model, 'tfjs')) named[key] = tf.tensor(raw.values, [...raw.shape]);
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    await writeDirAtomic(dir, async (tmp) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(tmp, 'weights.bin'), new Uint8Array(data));
      const modelJson = {
        format: 'dfl-backbone',
        generatedBy: '@dfl/models',
        modelConfig: model.config,
        weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
      };
      await writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJson, null, 1));
    });
  } finally {
    tf.dispose(Object.values(named));
  }
}
