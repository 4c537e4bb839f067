import { Type } from '@sinclair/typebox';
import { AdamStep } from '../optimizer-steps/adam-step';
import { defineOptimizer } from './optimizer-spec';

/** Adam's options; only the meaning and default of weight decay differ between Adam and AdamW (as in torch.optim). */
function adamOptions(weightDecay: { default: number; description: string }) {
  return Type.Object(
    {
      beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'decay of the first-moment estimate' }),
      beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'decay of the second-moment estimate' }),
      eps: Type.Number({ exclusiveMinimum: 0, default: 1e-8, description: 'added to the denominator (torch default 1e-8)' }),
      weight_decay: Type.Number({ minimum: 0, ...weightDecay }),
    },
    { additionalProperties: false },
  );
}

export const adamOptimizer = defineOptimizer({
  name: 'adam',
  description: 'Adam (torch.optim.Adam): weight decay is an L2 term added to the gradient',
  options: adamOptions({ default: 0, description: 'L2 penalty added to the gradient' }),
  create: (o) => new AdamStep({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay, decoupled: false }),
});

export const adamwOptimizer = defineOptimizer({
  name: 'adamw',
  description: 'AdamW (torch.optim.AdamW): decoupled weight decay',
  options: adamOptions({ default: 0.01, description: 'decoupled weight decay (torch default 0.01)' }),
  create: (o) => new AdamStep({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay, decoupled: true }),
});
