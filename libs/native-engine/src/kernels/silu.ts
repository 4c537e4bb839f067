import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_GRAD, SILU } from './activation-grad';
import { floats, KernelContext, output, SILU_UNARY } from './context';

export { SILU };

/**
 * DflSilu(x) -> x * sigmoid(x) in one pass: EfficientNet's activation, which tfjs composes as Sigmoid then
 * Multiply (two full-size passes forward, and four or five for its gradient). Its gradient
 * dy * s * (1 + x * (1 - s)) is one pass too (DflActivationGrad, activation DflSilu), from x alone.
 */
export function siluKernels(ctx: KernelContext): tf.KernelConfig[] {
  return [
    {
      kernelName: SILU,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { x } = inputs as Record<string, tf.TensorInfo>;
        const xv = floats(backend, x);
        if (!xv) throw new Error(`${SILU} needs a float32 x`);
        const y = output(backend, x.shape);
        ctx.addon.unary(SILU_UNARY, 0, 0, xv, y.values);
        return y.info();
      },
    },
  ];
}

/** s * (1 + x * (1 - s)), s = sigmoid(x): SiLU's derivative from tfjs ops (when the backend changed under a tape). */
function siluDerivative(x: tf.Tensor): tf.Tensor {
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.add(1, tf.mul(x, tf.sub(1, s))));
}

/** DflSilu's gradient: one native pass while `backendName` is active, tfjs ops otherwise. Idempotent. */
export function registerSiluGradient(backendName: string): void {
  if (tf.getGradient(SILU)) return;
  tf.registerGradient({
    kernelName: SILU,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const g = dy as tf.Tensor;
      const [x] = saved;
      return {
        x: () =>
          tf.getBackend() === backendName && g.dtype === 'float32' && g.size === x.size
            ? (tf.engine().runKernel(ACTIVATION_GRAD, { dy: g, t: x }, { activation: SILU }) as tf.Tensor)
            : tf.mul(g, siluDerivative(x)),
      };
    },
  });
}
