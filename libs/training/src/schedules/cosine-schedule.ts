import { Type } from '@sinclair/typebox';
import { defineSchedule } from './schedule-spec';

/**
 * Linear warmup then cosine decay, per update (timm's CosineLRScheduler with t_in_epochs false): during the first
 * `warmup_epochs` the rate climbs linearly to the base rate, reaching it at the warmup's last update; then it
 * follows half a cosine from the base rate down to `min_lr` at the last update of the last epoch.
 */
export const cosineSchedule = defineSchedule({
  name: 'cosine',
  description: 'linear warmup, then cosine decay to min_lr over the remaining updates',
  options: Type.Object(
    {
      warmup_epochs: Type.Number({ minimum: 0, default: 0, description: 'epochs of linear warmup (fractions allowed)' }),
      min_lr: Type.Number({ minimum: 0, default: 0, description: 'learning rate at the end of training' }),
    },
    { additionalProperties: false },
  ),
  build: ({ warmup_epochs, min_lr }, { baseLr, epochs, stepsPerEpoch }) => {
    const total = Math.max(1, epochs * stepsPerEpoch);
    const warmup = Math.min(total, Math.round(warmup_epochs * stepsPerEpoch));
    return (epoch, step) => {
      const t = epoch * stepsPerEpoch + step;
      if (t < warmup) return (baseLr * (t + 1)) / warmup;
      const span = total - warmup - 1;
      const progress = span > 0 ? Math.min(1, (t - warmup) / span) : 1;
      return min_lr + (baseLr - min_lr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
  },
});
