import * as tf from '@tensorflow/tfjs';
import { nativeKernel, type ParameterOptimizer } from './parameter-optimizer';

/**
 * `@dfl/native-engine`'s one-pass update (p, g, m, v) -> [p', m', v'], registered on its `native` backend only;
 * looked up by name, so this library never imports that optional package. The same float32 operations in the same
 * order as the composite below.
 */
export const ADAM_UPDATE_KERNEL = 'DflAdamUpdate';

export interface AdamSettings {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** true: AdamW (decoupled decay, Loshchilov & Hutter); false: Adam with L2 added to the gradient, as torch.optim.Adam. */
  readonly decoupled: boolean;
}

/** torch.optim.Adam / AdamW, step for step (bias-corrected moments, eps added after the square root). */
export class AdamStep implements ParameterOptimizer {
  readonly name: string;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(private readonly s: AdamSettings) {
    this.name = s.decoupled ? 'adamw' : 'adam';
  }

  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number): void {
    this.t += 1;
    const bc1 = 1 - this.s.beta1 ** this.t;
    const bc2 = 1 - this.s.beta2 ** this.t;
    const stepSize = lr / bc1;
    const fused = nativeKernel(ADAM_UPDATE_KERNEL);
    tf.tidy(() => {
      for (const p of variables) {
        let g = grads[p.name];
        if (!g) continue;
        if (fused && p.dtype === 'float32' && g.dtype === 'float32') {
          const m = this.slot(this.m, p);
          const v = this.slot(this.v, p);
          const { beta1, beta2, eps, weightDecay, decoupled } = this.s;
          const attrs = { beta1, beta2, eps, weightDecay, decoupled, lr, bc1, bc2 };
          const [np, nm, nv] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          m.assign(nm);
          v.assign(nv);
          p.assign(np);
          continue;
        }
        if (this.s.weightDecay > 0 && !this.s.decoupled) g = g.add(p.mul(this.s.weightDecay));
        const m = this.slot(this.m, p);
        const v = this.slot(this.v, p);
        m.assign(m.mul(this.s.beta1).add(g.mul(1 - this.s.beta1)));
        v.assign(v.mul(this.s.beta2).add(g.square().mul(1 - this.s.beta2)));
        const denom = v.div(bc2).sqrt().add(this.s.eps);
        let next = p.sub(m.div(denom).mul(stepSize));
        if (this.s.weightDecay > 0 && this.s.decoupled) next = next.sub(p.mul(lr * this.s.weightDecay));
        p.assign(next);
      }
    });
  }

  getState(): tf.NamedTensorMap {
    const state: tf.NamedTensorMap = {};
    for (const [k, t] of this.m) state[`m/${k}`] = t;
    for (const [k, t] of this.v) state[`v/${k}`] = t;
    return state;
  }

  /** The step count travels separately (it is a number); see {@link stepCount}. */
  get stepCount(): number {
    return this.t;
  }

  set stepCount(t: number) {
    this.t = t;
  }

  setState(state: tf.NamedTensorMap): void {
    for (const [key, t] of Object.entries(state)) {
      const [kind, ...rest] = key.split('/');
      const name = rest.join('/');
      const map = kind === 'm' ? this.m : kind === 'v' ? this.v : null;
      if (!map) continue;
      map.get(name)?.dispose();
      map.set(name, tf.variable(t.clone(), false));
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }

  private slot(map: Map<string, tf.Variable>, p: tf.Variable): tf.Variable {
    let s = map.get(p.name);
    if (!s) {
      s = tf.keep(tf.variable(tf.zerosLike(p), false));
      map.set(p.name, s);
    }
    return s;
  }
}
