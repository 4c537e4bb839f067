import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError, writeDirAtomic } from '@dfl/core';
import { createModelFromConfig } from '../backbones/create-model';
import type { BackboneModel, ModelConfig } from '../backbones/backbone-model';
import { readSafetensorsFile, serializeSafetensors, toFloat32, type WritableTensor } from '../weights/safetensors';
import { loadStateDict, stateDictOf, type RawTensor } from '../weights/state-dict';

// A checkpoint is a folder, written atomically:
//   checkpoint.json      format, the model config (enough to rebuild the model without the YAML), training state
//   model.safetensors    parameters and BatchNorm statistics under PyTorch's names and layout: the state dict
//                        torchvision / timm would save (torch's load_state_dict takes it as is)
//   optimizer.safetensors  optimizer state (moments...), keyed by PyTorch parameter names, when given
// tfjs variable names are per process; on disk the optimizer state names parameters by their state-dict keys and is
// renamed back to the new model's variables on load, so a run resumes in another process.

const FORMAT = 'dfl-checkpoint';
const VERSION = 1;

interface CheckpointJson {
  format: typeof FORMAT;
  version: number;
  model: ModelConfig;
  hasOptimizerState: boolean;
  state: Record<string, unknown>;
}

export interface SaveCheckpointOptions {
  /** Optimizer state as `ParameterOptimizer.getState()` gives it: keys `<slot>/<variable name>`. */
  optimizerState?: tf.NamedTensorMap;
  /** JSON the run needs to resume (epoch, step, optimizer step count, best metric...). */
  state?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  readonly model: BackboneModel;
  readonly config: ModelConfig;
  /** Keys renamed to the new model's variables, ready for `setState`; the caller disposes the tensors. */
  readonly optimizerState: tf.NamedTensorMap | null;
  readonly state: Record<string, unknown>;
}

/** Maps `<slot>/<from>` keys to `<slot>/<to>` for the names in `rename`; other keys are kept. */
function renameStateKeys<T>(state: Record<string, T>, rename: ReadonlyMap<string, string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, t] of Object.entries(state)) {
    const cut = key.indexOf('/');
    const name = cut >= 0 ? key.slice(cut + 1) : key;
    const to = rename.get(name);
    out[to === undefined ? key : cut >= 0 ? `${key.slice(0, cut)}/${to}` : to] = t;
  }
  return out;
}

/** Adds PyTorch's `num_batches_tracked` (int64, unused here) beside each BatchNorm, so torch loads the file strictly. */
function withBatchCounters(sd: Map<string, RawTensor>): Map<string, WritableTensor> {
  const out = new Map<string, WritableTensor>();
  for (const [key, t] of sd) {
    out.set(key, t);
    if (key.endsWith('.running_var')) {
      out.set(key.replace(/running_var$/, 'num_batches_tracked'), { shape: [], values: new Float32Array(1), dtype: 'I64' });
    }
  }
  return out;
}

/**
 * Optimizer state keys (`<slot>/<tfjs variable name>`, as `ParameterOptimizer.getState()` gives them) renamed to
 * `<slot>/<state-dict key>` and back. tfjs variable names differ from one process to the next; the state-dict keys
 * do not, so state stored under them can be restored into a model rebuilt elsewhere (a resumed run).
 */
export function optimizerStateByKey<T>(model: BackboneModel, state: Record<string, T>): Record<string, T> {
  return renameStateKeys(state, new Map([...model.namedVariables()].map(([key, p]) => [p.variable.name, key])));
}

/** The inverse of {@link optimizerStateByKey}, for the given (possibly rebuilt) model. */
export function optimizerStateByVariable<T>(model: BackboneModel, state: Record<string, T>): Record<string, T> {
  return renameStateKeys(state, new Map([...model.namedVariables()].map(([key, p]) => [key, p.variable.name])));
}

export async function saveCheckpoint(dir: string, model: BackboneModel, opts: SaveCheckpointOptions = {}): Promise<void> {
  const weights = serializeSafetensors(withBatchCounters(stateDictOf(model, 'torch')), {
    format: 'pt',
    backbone: model.config.backbone,
  });
  let optimizerBytes: Uint8Array | null = null;
  if (opts.optimizerState) {
    const renamed = optimizerStateByKey(model, opts.optimizerState);
    const tensors = new Map<string, RawTensor>();
    for (const [key, t] of Object.entries(renamed)) {
      tensors.set(key, { shape: [...t.shape], values: Float32Array.from(t.dataSync() as ArrayLike<number>) });
    }
    optimizerBytes = serializeSafetensors(tensors);
  }
  const json: CheckpointJson = {
    format: FORMAT,
    version: VERSION,
    model: model.config,
    hasOptimizerState: optimizerBytes !== null,
    state: opts.state ?? {},
  };
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(path.join(tmp, 'model.safetensors'), weights);
    if (optimizerBytes) await writeFile(path.join(tmp, 'optimizer.safetensors'), optimizerBytes);
    await writeFile(path.join(tmp, 'checkpoint.json'), `${JSON.stringify(json, null, 2)}\n`);
  });
}

/** The model config of a checkpoint, without loading its weights. */
export async function readCheckpointConfig(dir: string): Promise<ModelConfig> {
  return (await readCheckpointJson(dir)).model;
}

async function readCheckpointJson(dir: string): Promise<CheckpointJson> {
  const file = path.join(dir, 'checkpoint.json');
  let json: CheckpointJson;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as CheckpointJson;
  } catch (err) {
    throw new UserError(`${dir}: not a checkpoint (${(err as Error).message})`);
  }
  if (json.format !== FORMAT || typeof json.model?.backbone !== 'string') {
    throw new UserError(`${file}: not a ${FORMAT} file`);
  }
  if (json.version > VERSION) {
    throw new UserError(`${file}: checkpoint version ${json.version} is newer than this dfl understands (${VERSION})`);
  }
  return json;
}

/** Rebuilds the model from the checkpoint's config and loads its weights (and optimizer state, if saved). */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const json = await readCheckpointJson(dir);
  const model = createModelFromConfig(json.model);
  try {
    const file = await readSafetensorsFile(path.join(dir, 'model.safetensors'));
    const tensors = new Map<string, RawTensor>();
    for (const [k, e] of file.tensors) {
      tensors.set(k, { shape: e.shape, values: k.endsWith('num_batches_tracked') ? new Float32Array(0) : toFloat32(e, k) });
    }
    const report = loadStateDict(model, tensors, { source: path.join(dir, 'model.safetensors'), layout: 'torch' });
    if (report.reinitialised.length > 0) {
      throw new UserError(`${dir}: checkpoint head does not fit its own config (${report.reinitialised.join(', ')})`);
    }
    let optimizerState: tf.NamedTensorMap | null = null;
    if (json.hasOptimizerState) {
      const opt = await readSafetensorsFile(path.join(dir, 'optimizer.safetensors'));
      const raw: tf.NamedTensorMap = {};
      for (const [k, e] of opt.tensors) raw[k] = tf.tensor(toFloat32(e, k), [...e.shape]);
      optimizerState = optimizerStateByVariable(model, raw);
    }
    return { model, config: model.config, optimizerState, state: json.state };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
