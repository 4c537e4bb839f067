import * as fs from 'fs';
import * as path from 'path';

/** Where `npm ci` (scripts/build-addon.js) puts the compiled oneDNN addon. */
export const ADDON_PATH = path.join(__dirname, '..', 'build', 'Release', 'dfl_native.node');

type Floats = Float32Array;
type Ints = Int32Array | number[];

/** The functions the compiled addon exports (native/*.cc). Outputs are written in place into the last array. */
export interface NativeAddon {
  setThreads(threads: number): number;
  getThreads(): number;
  version(): { onednn: string; cpuRuntime: string; isa: string };
  /** ms: wall time; cpuMs: the calling thread's CPU time (the whole cost with one thread). */
  stats(): Record<string, { ms: number; cpuMs: number; calls: number }>;
  resetStats(): void;
  primitives(): Record<string, string>;
  /** activation: tfjs' codes (0 linear, 1 relu, 2 relu6, 3 leakyrelu, 4 sigmoid, 5 elu), and 6 silu. */
  convForward(params: Ints, activation: number, alpha: number, x: Floats, w: Floats, bias: Floats | null, y: Floats): void;
  convBackwardData(params: Ints, dy: Floats, w: Floats, dx: Floats): void;
  convBackwardWeights(params: Ints, x: Floats, dy: Floats, dw: Floats): void;
  /** Depthwise (multiplier 1) filter gradient; false, dw untouched, for filter sizes it has no kernel for. */
  depthwiseBackwardWeights(params: Ints, x: Floats, dy: Floats, dw: Floats): boolean;
  matmul(params: Ints, activation: number, alpha: number, a: Floats, b: Floats, bias: Floats | null, c: Floats): void;
  poolForward(params: Ints, algorithm: number, x: Floats, y: Floats): void;
  maxPoolBackward(params: Ints, x: Floats, dy: Floats, dx: Floats): void;
  avgPoolBackward(params: Ints, dy: Floats, dx: Floats): void;
  /** Arithmetic ops write a Float32Array, comparisons a Uint8Array (tfjs bools). */
  binary(op: number, a: Floats, aShape: number[], b: Floats, bShape: number[], out: Floats | Uint8Array, outShape: number[]): void;
  unary(op: number, alpha: number, beta: number, x: Floats, out: Floats): void;
  reduce(op: number, x: Floats, dims: [number, number, number], out: Floats): void;
  tile(x: Floats, xShape: number[], reps: number[], out: Floats): void;
  /** out[o][i] = Σ_r a[o][r][i] * b[o][r][i] (products rounded to float, sums in double). */
  multiplySum(a: Floats, b: Floats, dims: [number, number, number], out: Floats): void;
  batchNorm(x: Floats, channels: number, mean: Floats, variance: Floats, offset: Floats | null, scale: Floats | null,
    epsilon: number, out: Floats): void;
  addN(inputs: Floats[], out: Floats): void;
  /** 0 relu (t = x), 1 relu6 (t = x), 2 sigmoid (t = its output y), 3 silu (t = x). */
  activationGrad(op: number, dy: Floats, t: Floats, out: Floats): void;
  toFloat(values: Uint8Array | Int32Array, out: Floats): void;
  /**
   * scalars (float32): beta1, 1 - beta1, beta2, 1 - beta2, eps, weightDecay, 1 - beta2^t, lr / (1 - beta1^t),
   * lr * weightDecay; decayMode 0 none, 1 L2, 2 decoupled. Writes p', m', v'.
   */
  adamUpdate(scalars: Floats, decayMode: number, p: Floats, g: Floats, m: Floats, v: Floats, pOut: Floats, mOut: Floats,
    vOut: Floats): void;
  /** flags: 1 L2 weight decay, 2 nesterov. Writes p' and the new momentum buffer. */
  sgdMomentumUpdate(momentum: number, weightDecay: number, lr: number, flags: number, p: Floats, g: Floats, buffer: Floats,
    pOut: Floats, bufferOut: Floats): void;
  batchNormStats(x: Floats, channels: number, mean: Floats, variance: Floats): void;
  /** activation (0 none, 1 relu, 2 relu6, 6 silu): dy is the gradient at the activation's output; beta then needed. */
  batchNormGrad(dy: Floats, x: Floats, channels: number, gamma: Floats, mean: Floats, variance: Floats, epsilon: number,
    dx: Floats, dgamma: Floats, dbeta: Floats, activation?: number, beta?: Floats | null): void;
  /** out = activation((x - mean) * gamma / sqrt(variance + eps) + beta); activation codes as batchNormGrad's. */
  batchNormAct(x: Floats, channels: number, mean: Floats, variance: Floats, gamma: Floats | null, beta: Floats | null,
    epsilon: number, activation: number, out: Floats): void;
}

export type AddonLoad = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

let cached: AddonLoad | undefined;

/** Loads the addon once; a missing or unloadable build is a reason, never an exception. */
export function loadAddon(): AddonLoad {
  if (cached) return cached;
  if (!fs.existsSync(ADDON_PATH)) {
    cached = {
      ok: false,
      reason: `the oneDNN addon is not built (${ADDON_PATH} missing): install libdnnl-dev, then run npm ci`,
    };
  } else {
    try {
      // OpenMP threads that finish a parallel region spin (by default ~300k iterations) waiting for the next one.
      // On shared cores a spinning thread takes the time the other team member or the JS thread needs, and each
      // short element-wise region then waits a scheduler slice for its second thread: mobilenet_v2 inference ran
      // at 15 img/s instead of 126 under load ~5. Sleeping at once costs a futex wake per region (microseconds,
      // against milliseconds of work). libgomp reads this when it loads, so it is set before the addon loads it;
      // a value the user set wins.
      process.env.OMP_WAIT_POLICY ??= 'passive';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = { ok: true, addon: require(ADDON_PATH) as NativeAddon };
    } catch (error) {
      cached = { ok: false, reason: `the oneDNN addon failed to load: ${(error as Error).message}` };
    }
  }
  return cached;
}
