import { Type } from '@sinclair/typebox';
import { defineSchedule } from './schedule-spec';

/** torch.optim.lr_scheduler.StepLR stepped once per epoch: lr = base * gamma^floor(epoch / step_size). */
export const stepSchedule = defineSchedule({
  name: 'step',
  description: 'multiply the learning rate by gamma every step_size epochs (the seed: every 4 epochs x0.85)',
  options: Type.Object(
    {
      step_size: Type.Integer({ minimum: 1, description: 'epochs between two decays' }),
      gamma: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'factor applied at each decay (torch default 0.1)' }),
    },
    { additionalProperties: false },
  ),
  build: ({ step_size, gamma }, { baseLr }) => (epoch) => baseLr * gamma ** Math.floor(epoch / step_size),
});
