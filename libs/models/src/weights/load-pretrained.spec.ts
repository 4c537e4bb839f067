import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import { createModel } from '../backbones/create-model';
import { loadPretrained } from './load-pretrained';
import { parseSafetensors, serializeSafetensors, toFloat32 } from './safetensors';
import { stateDictOf, type RawTensor } from './state-dict';
import { saveTfjsFolder } from './tfjs-folder';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'dfl-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A safetensors file by hand: one tensor of the given dtype and raw little-endian bytes. */
function handMade(dtype: string, shape: number[], bytes: number[]): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ t: { dtype, shape, data_offsets: [0, bytes.length] } }));
  const out = new Uint8Array(8 + header.length + bytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(bytes, 8 + header.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32 tensors and metadata', () => {
    const values = new Float32Array([1.5, -2, 3.25, 0, 1e-7, -1e7]);
    const bytes = serializeSafetensors(new Map([['a.weight', { shape: [2, 3], values }]]), { format: 'pt' });
    const file = parseSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    const e = file.tensors.get('a.weight')!;
    expect(e.shape).toEqual([2, 3]);
    expect(Array.from(toFloat32(e))).toEqual(Array.from(values));
  });

  it('decodes float16 and bfloat16 (as timm and torchvision may save them)', () => {
    // f16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800, 2^-24 (smallest subnormal) = 0x0001
    const f16 = parseSafetensors(handMade('F16', [4], [0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x01, 0x00])).tensors.get('t')!;
    expect(Array.from(toFloat32(f16))).toEqual([1, -2, 0.5, 2 ** -24]);
    // bf16: 1.0 = 0x3f80, -3.0 = 0xc040
    const bf16 = parseSafetensors(handMade('BF16', [2], [0x80, 0x3f, 0x40, 0xc0])).tensors.get('t')!;
    expect(Array.from(toFloat32(bf16))).toEqual([1, -3]);
  });

  it('refuses truncated or inconsistent files with a user error naming the file', () => {
    expect(() => parseSafetensors(new Uint8Array([1, 2, 3]), 'x.safetensors')).toThrow(/x.safetensors: not a valid/);
    const bad = handMade('F32', [3], [0, 0, 0, 0]); // 4 bytes for 3 floats
    expect(() => parseSafetensors(bad, 'y.safetensors')).toThrow(/needs 12/);
  });
});

async function writeStateDict(name: string, sd: Map<string, RawTensor>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, serializeSafetensors(sd));
  return file;
}

describe('loadPretrained', () => {
  it('loads a PyTorch-layout state dict and re-initialises a head of another size, saying so', async () => {
    const source = createModel('tiny_cnn', { numClasses: 5, seed: 1 });
    const target = createModel('tiny_cnn', { numClasses: 2, seed: 2 });
    try {
      const file = await writeStateDict('five-classes.safetensors', stateDictOf(source, 'torch'));
      const headBefore = Array.from(target.namedVariables().get('fc.weight')!.variable.dataSync());
      const report = await loadPretrained(target, file);
      expect(report.reinitialised).toEqual(['fc.bias', 'fc.weight']);
      expect(report.loaded).toBe(target.namedVariables().size - 2);
      const conv = (m: typeof source) => Array.from(m.namedVariables().get('features.2.0.weight')!.variable.dataSync());
      expect(conv(target)).toEqual(conv(source));
      const mean = (m: typeof source) => Array.from(m.namedVariables().get('features.2.1.running_mean')!.variable.dataSync());
      expect(mean(target)).toEqual(mean(source));
      expect(Array.from(target.namedVariables().get('fc.weight')!.variable.dataSync())).toEqual(headBefore);
    } finally {
      source.dispose();
      target.dispose();
    }
  });

  it('reports missing keys, unexpected keys and wrong shapes together, and changes nothing', async () => {
    const model = createModel('tiny_cnn', { seed: 3 });
    try {
      const sd = stateDictOf(createModelForFile(), 'torch');
      sd.delete('features.0.1.running_var');
      sd.set('features.9.weight', { shape: [1], values: new Float32Array(1) });
      sd.set('features.4.0.weight', { shape: [64, 32, 1, 1], values: new Float32Array(64 * 32) });
      const file = await writeStateDict('broken.safetensors', sd);
      const before = Array.from(model.namedVariables().get('features.0.0.weight')!.variable.dataSync());
      const err = await loadPretrained(model, file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      const msg = (err as Error).message;
      expect(msg).toContain('missing keys (1)');
      expect(msg).toContain('features.0.1.running_var');
      expect(msg).toContain('unexpected keys (1)');
      expect(msg).toContain('features.9.weight');
      expect(msg).toContain('features.4.0.weight: file [64, 32, 1, 1], model [64, 32, 3, 3]');
      expect(Array.from(model.namedVariables().get('features.0.0.weight')!.variable.dataSync())).toEqual(before);
    } finally {
      model.dispose();
    }
  });

  it('loads a tfjs model folder and gives the same predictions', async () => {
    const a = createModel('tiny_cnn', { seed: 4 });
    const b = createModel('tiny_cnn', { seed: 5 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 9);
    try {
      tf.dispose(a.apply(x, true)); // non-trivial BatchNorm statistics
      const folder = path.join(dir, 'tfjs-model');
      await saveTfjsFolder(a, folder);
      const report = await loadPretrained(b, folder);
      expect(report.reinitialised).toEqual([]);
      const pa = a.predict(x);
      const pb = b.predict(x);
      expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
      tf.dispose([pa, pb]);
    } finally {
      x.dispose();
      a.dispose();
      b.dispose();
    }
  });

  it('names what it expects for other files', async () => {
    const model = createModel('tiny_cnn');
    try {
      await expect(loadPretrained(model, path.join(dir, 'nope.safetensors'))).rejects.toThrow(/not found/);
      const pth = path.join(dir, 'weights.pth');
      await writeFile(pth, 'pickle');
      await expect(loadPretrained(model, pth)).rejects.toThrow(/expected a \.safetensors state dict or a tfjs model folder/);
    } finally {
      model.dispose();
    }
  });
});

function createModelForFile() {
  return createModel('tiny_cnn', { seed: 10 });
}
