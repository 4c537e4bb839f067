import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createModel } from '../backbones/create-model';
import { selectEngine } from '../engine';
import { loadSafetensors } from './load-pretrained';
import { parseSafetensors, serializeSafetensors, type WritableTensor } from './safetensors';

// Weight-free parity with PyTorch for the backbones whose weights are too large to commit. The fixtures, made by
// ../../fixtures/make_hashed_parity_fixtures.py (torchvision 0.14; timm's legacy xception written out there), list
// the state-dict keys with shapes and value ranges; every value (and the input) comes from a counter-based hash
// generator that this file re-implements bit for bit. The regenerated state dict goes through the user's path:
// serialised as safetensors in PyTorch's layout, parsed, renamed / converted to NHWC by the loader, then one
// eval-mode forward is compared with PyTorch's logits (10 classes; the logits are of order 1, max |logit| <= 2.5,
// so the 1e-4 is absolute and ~5e-5 relative to their scale).
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'parity', 'hashed');
const TOLERANCE = 1e-4;
const HASHED = ['resnet34', 'resnet50', 'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3', 'efficientnet_b4', 'xception'];

type Entry = [key: string, shape: number[], lo?: number, hi?: number, checksum?: string];
interface Fixture {
  model: string;
  generator: { seed: number };
  num_classes: number;
  input: { key: string; shape: number[]; lo: number; hi: number; checksum: string };
  logits_eval: number[][];
  state_dict: Entry[];
}

// Math.imul read once: inside jest's vm context every `Math.` is a global lookup through an interceptor, which made
// the loop below ~50x slower (12 s instead of 0.25 s for resnet50's 25M values).
const imul = Math.imul;

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) h = imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** The fixture script's generator: n float32 values U[lo, hi) for the tensor named `key` (see its docstring). */
export function hashedUniform(key: string, n: number, lo: number, hi: number, seed = 0): Float32Array {
  const h = (fnv1a32(key) ^ seed) >>> 0;
  const span = hi - lo;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = (h + imul(i, 0x9e3779b9)) >>> 0;
    x ^= x >>> 16;
    x = imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = imul(x, 0x846ca68b);
    x ^= x >>> 16;
    out[i] = lo + span * ((x >>> 8) * 2 ** -24); // float64 arithmetic, rounded to float32 on store, as numpy does
  }
  return out;
}

/** Sum and xor of the float32 bit patterns (mod 2^32), as the fixture script writes them. */
function checksum(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let sum = 0;
  let xor = 0;
  for (let i = 0; i < bits.length; i++) {
    sum = (sum + bits[i]) >>> 0;
    xor ^= bits[i];
  }
  return sum.toString(16).padStart(8, '0') + (xor >>> 0).toString(16).padStart(8, '0');
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function maxAbsDiff(want: number[][], got: number[][]): number {
  expect([got.length, got[0]?.length]).toEqual([want.length, want[0].length]);
  let m = 0;
  want.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - got[i][j])))));
  return m;
}

function readFixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

// On the engine users train with (wasm; cpu if wasm is missing), like parity.spec.ts.
beforeAll(async () => {
  try {
    await selectEngine('wasm');
  } catch {
    await selectEngine('cpu');
  }
});

describe('hashed parity generator', () => {
  it('gives the values the fixture script printed for its self-check', () => {
    // make_hashed_parity_fixtures.py self_check(): conv1.weight[:4] U[-1, 1) as float32 bits (-0.50705695,
    // -0.95105720, 0.27762413, 0.16110611), and fnv1a32 of '' and 'a'.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    const bits = new Uint32Array(hashedUniform('conv1.weight', 4, -1, 1).buffer);
    expect(Array.from(bits, (b) => b.toString(16).padStart(8, '0'))).toEqual(['bf01ce7c', 'bf73787c', '3e8e24c0', '3e24f900']);
  });
});

describe.each(HASHED)('%s matches PyTorch on hash-generated weights', (name) => {
  it('regenerates the state dict bit for bit, loads it as safetensors and gives the same logits', () => {
    const fx = readFixture(name);
    const seed = fx.generator.seed;
    const tensors = new Map<string, WritableTensor>();
    const badChecksums: string[] = [];
    for (const [key, shape, lo, hi, sum] of fx.state_dict) {
      if (lo === undefined || hi === undefined) {
        // num_batches_tracked: int64, carries no weights
        tensors.set(key, { shape, values: new Float32Array(size(shape)), dtype: 'I64' });
        continue;
      }
      const values = hashedUniform(key, size(shape), lo, hi, seed);
      if (checksum(values) !== sum) badChecksums.push(key);
      tensors.set(key, { shape, values });
    }
    expect(badChecksums).toEqual([]);
    const file = parseSafetensors(serializeSafetensors(tensors, { format: 'pt' }), `${name}.safetensors`);
    tensors.clear();

    const model = createModel(name, { numClasses: fx.num_classes, dropout: 0, dropPath: 0 });
    try {
      const report = loadSafetensors(model, file, `${name}.safetensors`);
      expect(report.reinitialised).toEqual([]);
      expect(report.loaded).toBe(model.namedVariables().size);

      const input = hashedUniform(fx.input.key, size(fx.input.shape), fx.input.lo, fx.input.hi, seed);
      expect(checksum(input)).toBe(fx.input.checksum);
      const tensorsBefore = tf.memory().numTensors;
      const x = tf.tidy(() => tf.transpose(tf.tensor(input, fx.input.shape), [0, 2, 3, 1])); // NCHW -> NHWC
      const logits = model.predict(x);
      // The folded inference view (BatchNorm folded into the convolutions) must agree with PyTorch too.
      const inference = model.inference();
      const folded = inference.predict(x);
      const diff = maxAbsDiff(fx.logits_eval, logits.arraySync() as number[][]);
      const diffFolded = maxAbsDiff(fx.logits_eval, folded.arraySync() as number[][]);
      inference.dispose();
      tf.dispose([x, logits, folded]);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      if (process.env.DFL_PARITY_VERBOSE) {
        console.log(`${name}: max |logit diff| ${diff.toExponential(2)}, folded ${diffFolded.toExponential(2)}`);
      }
      expect(diff).toBeLessThan(TOLERANCE);
      expect(diffFolded).toBeLessThan(TOLERANCE);
    } finally {
      model.dispose();
    }
  });
});
