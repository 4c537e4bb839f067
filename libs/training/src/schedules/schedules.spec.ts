import { schedules } from './schedule-registry';

const build = (name: string, options: Record<string, unknown>, ctx = { baseLr: 0.005, epochs: 20, stepsPerEpoch: 10 }) =>
  schedules.get(name).build(options, ctx);

describe('learning-rate schedules', () => {
  it('step: the seed recipe multiplies the rate by 0.85 every 4 epochs, constant within an epoch', () => {
    const lr = build('step', { step_size: 4, gamma: 0.85 });
    expect(lr(0, 0)).toBe(0.005);
    expect(lr(3, 9)).toBe(0.005);
    expect(lr(4, 0)).toBeCloseTo(0.005 * 0.85, 15);
    expect(lr(7, 5)).toBeCloseTo(0.005 * 0.85, 15);
    expect(lr(8, 0)).toBeCloseTo(0.005 * 0.85 ** 2, 15);
    expect(lr(19, 9)).toBeCloseTo(0.005 * 0.85 ** 4, 15);
  });

  it('cosine: climbs linearly to the base rate over the warmup, then decays to min_lr at the last update', () => {
    const lr = build('cosine', { warmup_epochs: 1, min_lr: 0.0001 }, { baseLr: 0.01, epochs: 5, stepsPerEpoch: 4 });
    expect([0, 1, 2, 3].map((s) => lr(0, s))).toEqual([0.0025, 0.005, 0.0075, 0.01]);
    expect(lr(1, 0)).toBeCloseTo(0.01, 15);
    // halfway through the 16 post-warmup updates (update index 4 + 7.5) the rate is the mean of base and min
    const mid = (lr(2, 3) + lr(3, 0)) / 2;
    expect(mid).toBeCloseTo((0.01 + 0.0001) / 2, 4);
    expect(lr(4, 3)).toBeCloseTo(0.0001, 15);
    const series = Array.from({ length: 16 }, (_, i) => lr(1 + Math.floor(i / 4), i % 4));
    for (let i = 1; i < series.length; i++) expect(series[i]).toBeLessThan(series[i - 1]);
  });

  it('cosine without warmup starts at the base rate', () => {
    const lr = build('cosine', { warmup_epochs: 0, min_lr: 0 }, { baseLr: 0.1, epochs: 2, stepsPerEpoch: 3 });
    expect(lr(0, 0)).toBe(0.1);
    expect(lr(1, 2)).toBeCloseTo(0, 15);
  });

  it('constant: the base rate throughout', () => {
    const lr = build('constant', {});
    expect([lr(0, 0), lr(7, 3), lr(19, 9)]).toEqual([0.005, 0.005, 0.005]);
  });

  it('registers step, cosine and constant with option schemas', () => {
    expect(schedules.names()).toEqual(['constant', 'cosine', 'step']);
    expect(schedules.get('step').options.properties.gamma.default).toBe(0.1);
    expect(schedules.get('cosine').options.properties.warmup_epochs.default).toBe(0);
  });
});
