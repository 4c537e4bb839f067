import * as tf from '@tensorflow/tfjs';
import { backend_util, util } from '@tensorflow/tfjs';
import { overrideGradient } from './override-gradient';

/**
 * Mean's gradient while `backendName` is active: dy / n, then tiled to x's shape (one full-size pass, a native
 * memcpy). tfjs builds it as (dy * ones(x.shape)) / n: a full-size array of ones and two full-size passes, for
 * every global average pool, EfficientNet's squeeze-excite blocks among them. The same floats: dy / n is
 * computed once per reduced value instead of per copy. Other backends keep tfjs' own. Idempotent.
 */
export function registerMeanGradient(backendName: string): void {
  overrideGradient(tf.Mean, backendName, (g, [x], attrs) => {
    if (g.dtype !== 'float32' || x.rank === 0) return null;
    const axes = util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
    const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const n = util.sizeFromShape(reduceShape);
    const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const reps = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    return { x: () => tf.tile(tf.div(tf.reshape(g, expanded), n), reps) };
  });
}
