import { Type } from '@sinclair/typebox';
import { SgdStep } from '../optimizer-steps/sgd-step';
import { defineOptimizer } from './optimizer-spec';

export const sgdOptimizer = defineOptimizer({
  name: 'sgd',
  description: 'SGD with momentum (torch.optim.SGD, dampening 0)',
  options: Type.Object(
    {
      momentum: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'momentum factor; 0: plain SGD' }),
      nesterov: Type.Boolean({ default: false, description: 'Nesterov momentum (needs momentum > 0)' }),
      weight_decay: Type.Number({ minimum: 0, default: 0, description: 'L2 penalty added to the gradient' }),
    },
    { additionalProperties: false },
  ),
  create: (o) => new SgdStep({ momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weight_decay }),
  check: ({ momentum, nesterov }) => (nesterov && momentum === 0 ? [{ option: 'nesterov', message: 'Nesterov momentum needs momentum > 0' }] : []),
});
