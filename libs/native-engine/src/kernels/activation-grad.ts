import * as tf from '@tensorflow/tfjs';
import { floats, KernelContext, output } from './context';
import { overrideGradient } from './override-gradient';

/** Kernel name of the one-pass activation gradient; it exists on the `native` backend only. */
export const ACTIVATION_GRAD = 'DflActivationGrad';

/** Kernel name of SiLU, x * sigmoid(x), in one pass (src/kernels/silu.ts); `native` backend only. */
export const SILU = 'DflSilu';

/** The activations whose gradient runs in one native pass, with the addon's code. */
const OPS = { [tf.Relu]: 0, [tf.Relu6]: 1, [tf.Sigmoid]: 2, [SILU]: 3 } as const;
type Activation = keyof typeof OPS;
/** tfjs' own kernels among them, whose stock gradients registerActivationGradients replaces. */
const STOCK: Activation[] = [tf.Relu, tf.Relu6, tf.Sigmoid];

/**
 * DflActivationGrad(dy, t; activation) -> dx: tfjs differentiates ReLU as dy * cast(step(x)), ReLU6 as
 * dy * cast(lessEqual(x, 6) * step(x)) (a bool tensor converted to floats on the way) and Sigmoid as
 * dy * (y * (1 - y)): three to five full-size passes each. Here one, with the same float arithmetic.
 */
export function activationGradKernels(ctx: KernelContext): tf.KernelConfig[] {
  return [
    {
      kernelName: ACTIVATION_GRAD,
      backendName: ctx.backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, t } = inputs as Record<string, tf.TensorInfo>;
        const op = OPS[(attrs as { activation: Activation }).activation];
        const dyv = floats(backend, dy);
        const tv = floats(backend, t);
        if (op === undefined || !dyv || !tv || dyv.length !== tv.length) {
          throw new Error(`${ACTIVATION_GRAD} needs float32 dy and x of one shape and a known activation`);
        }
        const dx = output(backend, t.shape);
        ctx.addon.activationGrad(op, dyv, tv, dx.values);
        return dx.info();
      },
    },
  ];
}

/** DflActivationGrad's own gradient (second-order derivatives): linear in dy; for sigmoid also through y. */
const activationGradGradient: tf.GradConfig = {
  kernelName: ACTIVATION_GRAD,
  inputsToSave: ['dy', 't'],
  gradFunc: (g, saved, attrs) => {
    const [dy, t] = saved;
    const activation = (attrs as unknown as { activation: Activation }).activation;
    return {
      dy: () => tf.engine().runKernel(ACTIVATION_GRAD, { dy: g as tf.Tensor, t }, { activation }) as tf.Tensor,
      // d/dy of dy * y * (1 - y) is dy * (1 - 2y); the ReLU masks are flat.
      t: () => {
        if (activation === SILU) return tf.mul(g as tf.Tensor, tf.mul(dy, siluSecondDerivative(t)));
        return activation === tf.Sigmoid ? tf.mul(g as tf.Tensor, tf.mul(dy, tf.sub(1, tf.mul(2, t)))) : tf.zerosLike(t);
      },
    };
  },
};

/** d²/dx² of x * sigmoid(x): s (1 - s) (2 + x (1 - 2s)), with s = sigmoid(x). */
function siluSecondDerivative(x: tf.Tensor): tf.Tensor {
  const s = tf.sigmoid(x);
  return tf.mul(tf.mul(s, tf.sub(1, s)), tf.add(2, tf.mul(x, tf.sub(1, tf.mul(2, s)))));
}

/**
 * Gradients for Relu, Relu6 and Sigmoid that use DflActivationGrad while `backendName` is the active backend and
 * tfjs' own otherwise (gradients are global in tfjs, kernels per backend). Idempotent.
 */
export function registerActivationGradients(backendName: string): void {
  tf.registerGradient(activationGradGradient);
  for (const name of STOCK) {
    overrideGradient(name, backendName, (dy, [t]) =>
      dy.dtype !== 'float32' || t.dtype !== 'float32' || dy.size !== t.size
        ? null
        : { x: () => tf.engine().runKernel(ACTIVATION_GRAD, { dy, t }, { activation: name }) as tf.Tensor },
    );
  }
}
