import * as tf from '@tensorflow/tfjs';
import { nativeKernel, type ParameterOptimizer } from './parameter-optimizer';

/**
 * `@dfl/native-engine`'s one-pass momentum update (p, g, buffer) -> [p', buffer'] on its `native` backend (by
 * name, as AdamStep's); the same float32 operations as the composite below.
 */
export const SGD_MOMENTUM_UPDATE_KERNEL = 'DflSgdMomentumUpdate';

export interface SgdSettings {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/** torch.optim.SGD (dampening 0): buf = momentum*buf + g; update = nesterov ? g + momentum*buf : buf. */
export class SgdStep implements ParameterOptimizer {
  readonly name = 'sgd';
  private readonly buf = new Map<string, tf.Variable>();

  constructor(private readonly s: SgdSettings) {}

  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap, lr: number): void {
    const fused = this.s.momentum > 0 && nativeKernel(SGD_MOMENTUM_UPDATE_KERNEL);
    tf.tidy(() => {
      for (const p of variables) {
        let g = grads[p.name];
        if (!g) continue;
        const buffer = this.buf.get(p.name);
        if (fused && buffer && p.dtype === 'float32' && g.dtype === 'float32') {
          const { momentum, nesterov, weightDecay } = this.s;
          const attrs = { momentum, nesterov, weightDecay, lr };
          const [np, nb] = tf.engine().runKernel(SGD_MOMENTUM_UPDATE_KERNEL, { p, g, buffer }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          buffer.assign(nb);
          p.assign(np);
          continue;
        }
        if (this.s.weightDecay > 0) g = g.add(p.mul(this.s.weightDecay));
        if (this.s.momentum > 0) {
          let b = this.buf.get(p.name);
          if (!b) {
            // torch initialises the buffer with the first gradient, not zeros
            b = tf.keep(tf.variable(g.clone(), false));
            this.buf.set(p.name, b);
          } else {
            b.assign(b.mul(this.s.momentum).add(g));
          }
          g = this.s.nesterov ? g.add(b.mul(this.s.momentum)) : b;
        }
        p.assign(p.sub(g.mul(lr)));
      }
    });
  }

  getState(): tf.NamedTensorMap {
    const state: tf.NamedTensorMap = {};
    for (const [k, t] of this.buf) state[`momentum/${k}`] = t;
    return state;
  }

  setState(state: tf.NamedTensorMap): void {
    for (const [key, t] of Object.entries(state)) {
      if (!key.startsWith('momentum/')) continue;
      const name = key.slice('momentum/'.length);
      this.buf.get(name)?.dispose();
      this.buf.set(name, tf.variable(t.clone(), false));
    }
  }

  dispose(): void {
    for (const t of this.buf.values()) t.dispose();
    this.buf.clear();
  }
}
