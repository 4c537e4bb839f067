import * as tf from '@tensorflow/tfjs';
import { UserError } from '@dfl/core';
import { backbones } from '../backbones/backbone-registry';
import type { BackboneModel } from '../backbones/backbone-model';
import type { ParamLayout } from '../backbones/nn/module';

/** A named tensor as read from a weights file, before layout conversion. */
export interface RawTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Whose layout the file uses: PyTorch's (NCHW: OIHW convs, [out, in] linears) or ours (NHWC: HWIO, [in, out]). */
export type WeightLayout = 'torch' | 'tfjs';

export interface LoadReport {
  readonly source: string;
  /** Tensors copied into the model. */
  readonly loaded: number;
  /** Head parameters kept at their fresh initialisation because the file's head has another shape (or none). */
  readonly reinitialised: readonly string[];
  /** Keys present in the file that carry no weights (`num_batches_tracked`). */
  readonly ignored: readonly string[];
}

// Permutation taking the PyTorch layout to ours, per parameter layout.
const TORCH_TO_OURS: Record<ParamLayout, number[] | null> = {
  conv: [2, 3, 1, 0], // OIHW -> HWIO
  depthwise: [2, 3, 0, 1], // [C, 1, kh, kw] -> [kh, kw, C, 1]
  linear: [1, 0], // [out, in] -> [in, out]
  vector: null,
};

/** The shape a parameter has in the given layout. */
export function shapeIn(layout: WeightLayout, paramLayout: ParamLayout, ourShape: readonly number[]): number[] {
  const perm = TORCH_TO_OURS[paramLayout];
  if (layout === 'tfjs' || !perm) return [...ourShape];
  // ours[i] = torch[perm[i]]  =>  torch[perm[i]] = ours[i]
  const torch = new Array<number>(ourShape.length);
  perm.forEach((p, i) => (torch[p] = ourShape[i]));
  return torch;
}

/**
 * Permutes the axes of a row-major array: out axis i is input axis perm[i]. Done here rather than with
 * tf.transpose, whose cpu kernel indexes element by element (seconds for resnet's 2.4M-weight convs).
 */
export function permute(values: Float32Array, shape: readonly number[], perm: readonly number[]): RawTensor {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const stride = perm.map((p) => inStrides[p]); // input stride of each output axis
  const out = new Float32Array(values.length);
  if (rank === 2) {
    const [a, b] = outShape;
    for (let i = 0, o = 0; i < a; i++) for (let j = 0; j < b; j++) out[o++] = values[i * stride[0] + j * stride[1]];
  } else if (rank === 4) {
    const [a, b, c, d] = outShape;
    let o = 0;
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let k = 0; k < c; k++) {
          const base = i * stride[0] + j * stride[1] + k * stride[2];
          for (let l = 0; l < d; l++) out[o++] = values[base + l * stride[3]];
        }
  } else {
    throw new Error(`permute: rank ${rank} not supported`);
  }
  return { shape: outShape, values: out };
}

function inversePerm(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}

/** Our tensor for a parameter, from its values in the given layout. */
export function toOurs(layout: WeightLayout, paramLayout: ParamLayout, raw: RawTensor): tf.Tensor {
  const perm = TORCH_TO_OURS[paramLayout];
  const ours = layout === 'torch' && perm ? permute(raw.values, raw.shape, perm) : raw;
  return tf.tensor(ours.values, [...ours.shape], 'float32');
}

/** A parameter's values in the given layout (for writing checkpoints PyTorch can read). */
export function fromOurs(layout: WeightLayout, paramLayout: ParamLayout, t: tf.Tensor): RawTensor {
  const perm = TORCH_TO_OURS[paramLayout];
  const values = Float32Array.from(t.dataSync() as Float32Array);
  if (layout === 'tfjs' || !perm) return { shape: [...t.shape], values };
  return permute(values, t.shape, inversePerm(perm));
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Copies a state dict into the model, checking it whole first: missing keys, unexpected keys and wrong shapes are
 * reported together in one error, and nothing is written unless all is well. A head whose shape differs (another
 * number of classes) is left freshly initialised and listed in the report. Keys may carry DataParallel's `module.`.
 */
export function loadStateDict(
  model: BackboneModel,
  tensors: ReadonlyMap<string, RawTensor>,
  opts: { source: string; layout: WeightLayout },
): LoadReport {
  const headKeys = new Set(backbones.get(model.config.backbone).headKeys);
  const byKey = new Map<string, RawTensor>();
  const ignored: string[] = [];
  for (const [k, v] of tensors) {
    const key = k.startsWith('module.') ? k.slice('module.'.length) : k;
    if (key.endsWith('num_batches_tracked')) ignored.push(k);
    else byKey.set(key, v);
  }
  const params = model.namedVariables();
  const missing: string[] = [];
  const wrongShape: string[] = [];
  const reinitialised: string[] = [];
  const toLoad: Array<[string, RawTensor]> = [];
  for (const [key, p] of params) {
    const raw = byKey.get(key);
    const expected = shapeIn(opts.layout, p.layout, p.variable.shape);
    if (!raw) {
      if (headKeys.has(key)) reinitialised.push(key);
      else missing.push(key);
      continue;
    }
    if (shapeText(raw.shape) !== shapeText(expected)) {
      if (headKeys.has(key)) reinitialised.push(key);
      else wrongShape.push(`${key}: file ${shapeText(raw.shape)}, model ${shapeText(expected)}`);
      continue;
    }
    toLoad.push([key, raw]);
  }
  const unexpected = [...byKey.keys()].filter((k) => !params.has(k));
  // A head either loads whole or is re-initialised whole.
  if (reinitialised.length > 0) {
    for (const k of headKeys) if (!reinitialised.includes(k) && params.has(k)) reinitialised.push(k);
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`missing keys (${missing.length}):\n${missing.map((k) => `    ${k}`).join('\n')}`);
  if (unexpected.length) problems.push(`unexpected keys (${unexpected.length}):\n${unexpected.map((k) => `    ${k}`).join('\n')}`);
  if (wrongShape.length) problems.push(`wrong shapes (${wrongShape.length}):\n${wrongShape.map((k) => `    ${k}`).join('\n')}`);
  if (problems.length > 0) {
    throw new UserError(
      `${opts.source}: weights do not fit backbone '${model.config.backbone}' (${opts.layout} layout):\n  ${problems.join('\n  ')}`,
    );
  }
  let loaded = 0;
  for (const [key, raw] of toLoad) {
    if (reinitialised.includes(key)) continue;
    const p = params.get(key)!;
    const value = toOurs(opts.layout, p.layout, raw);
    p.variable.assign(value);
    value.dispose();
    loaded++;
  }
  return { source: opts.source, loaded, reinitialised: reinitialised.sort(), ignored };
}

/** The model's state (parameters and BatchNorm statistics) under PyTorch keys, in the given layout. */
export function stateDictOf(model: BackboneModel, layout: WeightLayout): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  for (const [key, p] of model.namedVariables()) out.set(key, fromOurs(layout, p.layout, p.variable));
  return out;
}
