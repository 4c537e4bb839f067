import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createModel } from '../backbones/create-model';
import { selectEngine } from '../engine';
import { loadPretrained } from './load-pretrained';
import { readSafetensorsFile, serializeSafetensors, toFloat32 } from './safetensors';

// A timm state dict is the torchvision one under timm's names (timm/models/_efficientnet_blocks.py). The test
// renames the torchvision parity fixtures to timm's names (the inverse written out here) and expects the same logits.
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'parity');

let dir: string;
beforeAll(async () => {
  try {
    await selectEngine('wasm');
  } catch {
    await selectEngine('cpu');
  }
  dir = await mkdtemp(path.join(tmpdir(), 'dfl-timm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const IR_EFF: Record<string, string> = { '0.0': 'conv_pw', '0.1': 'bn1', '1.0': 'conv_dw', '1.1': 'bn2', '2.fc1': 'se.conv_reduce', '2.fc2': 'se.conv_expand', '3.0': 'conv_pwl', '3.1': 'bn3' };
const DS_EFF: Record<string, string> = { '0.0': 'conv_dw', '0.1': 'bn1', '1.fc1': 'se.conv_reduce', '1.fc2': 'se.conv_expand', '2.0': 'conv_pw', '2.1': 'bn2' };
const IR_MV2: Record<string, string> = { '0.0': 'conv_pw', '0.1': 'bn1', '1.0': 'conv_dw', '1.1': 'bn2', '2': 'conv_pwl', '3': 'bn3' };
const DS_MV2: Record<string, string> = { '0.0': 'conv_dw', '0.1': 'bn1', '1': 'conv_pw', '2': 'bn2' };
const MV2_STAGES = [1, 2, 3, 4, 3, 3, 1];

function toTimm(name: string, key: string, keys: Set<string>): string {
  const last = key.split('.').pop()!;
  if (name === 'efficientnet_b0') {
    let m = /^features\.(\d+)\.(\d+)\.block\.(\d+\.(?:\d+|fc1|fc2))\.\w+$/.exec(key);
    if (m) {
      const ir = keys.has(`features.${m[1]}.${m[2]}.block.3.0.weight`);
      return `blocks.${Number(m[1]) - 1}.${m[2]}.${(ir ? IR_EFF : DS_EFF)[m[3]]}.${last}`;
    }
    m = /^features\.(\d+)\.(\d)\.\w+$/.exec(key);
    const top: Record<string, string> = { '0.0': 'conv_stem', '0.1': 'bn1', '8.0': 'conv_head', '8.1': 'bn2' };
    if (m) return `${top[`${m[1]}.${m[2]}`]}.${last}`;
    return key.replace('classifier.1.', 'classifier.');
  }
  let m = /^features\.(\d+)\.conv\.(\d+(?:\.\d+)?)\.\w+$/.exec(key);
  if (m) {
    const flat = Number(m[1]) - 1;
    let stage = 0;
    let first = 0;
    while (flat >= first + MV2_STAGES[stage]) first += MV2_STAGES[stage++];
    const ir = keys.has(`features.${m[1]}.conv.3.weight`);
    return `blocks.${stage}.${flat - first}.${(ir ? IR_MV2 : DS_MV2)[m[2]]}.${last}`;
  }
  m = /^features\.(\d+)\.(\d)\.\w+$/.exec(key);
  const top: Record<string, string> = { '0.0': 'conv_stem', '0.1': 'bn1', '18.0': 'conv_head', '18.1': 'bn2' };
  if (m) return `${top[`${m[1]}.${m[2]}`]}.${last}`;
  return key.replace('classifier.1.', 'classifier.');
}

describe.each(['efficientnet_b0', 'mobilenet_v2'])('%s', (name) => {
  it('loads a state dict with timm names and gives the torchvision logits', async () => {
    const file = await readSafetensorsFile(path.join(FIXTURES, `${name}.safetensors`));
    const keys = new Set(file.tensors.keys());
    const timm = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [k, e] of file.tensors) {
      if (k.endsWith('num_batches_tracked')) continue;
      timm.set(toTimm(name, k, keys), { shape: [...e.shape], values: toFloat32(e) });
    }
    expect(timm.has('conv_stem.weight')).toBe(true);
    expect(timm.has('blocks.1.0.conv_pwl.weight')).toBe(true);
    const timmFile = path.join(dir, `${name}-timm.safetensors`);
    await writeFile(timmFile, serializeSafetensors(timm));

    const model = createModel(name, { dropout: 0 });
    const io = await readSafetensorsFile(path.join(FIXTURES, `${name}.io.safetensors`));
    const input = io.tensors.get('input')!;
    const x = tf.tidy(() => tf.transpose(tf.tensor(toFloat32(input), [...input.shape]), [0, 2, 3, 1]));
    try {
      const report = await loadPretrained(model, timmFile);
      expect(report.source).toContain('timm names');
      expect(report.loaded).toBe(model.namedVariables().size);
      const logits = model.predict(x);
      const want = toFloat32(io.tensors.get('logits_eval')!);
      const got = logits.dataSync();
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
      logits.dispose();
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});
