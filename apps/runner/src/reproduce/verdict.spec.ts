import { DEFAULT_TOLERANCE, defaultTolerance, judge } from './verdict';

describe('reproduction verdict', () => {
  it('expects bit-equality on the same deterministic engine, a tolerance otherwise', () => {
    expect(defaultTolerance('wasm', 'wasm').tolerance).toBe(0);
    expect(defaultTolerance('native', 'native').tolerance).toBe(0);
    expect(defaultTolerance('wasm', 'native')).toMatchObject({ tolerance: DEFAULT_TOLERANCE, basis: expect.stringContaining('different engines') });
    expect(defaultTolerance('tensorflow', 'tensorflow').tolerance).toBe(DEFAULT_TOLERANCE);
  });

  it('calls identical figures bit-equal, small differences within tolerance, large ones a failure', () => {
    const o = { auc: 0.9, tpr: 0.5 };
    expect(judge(o, { auc: 0.9, tpr: 0.5 }, 0, '', 0).outcome).toBe('bit-equal');
    expect(judge(o, { auc: 0.9, tpr: 0.5 }, 0, '', 1e-7).outcome).toBe('differs');
    expect(judge(o, { auc: 0.905, tpr: 0.49 }, 0.02, '', 1e-3)).toMatchObject({ outcome: 'within-tolerance', tprDiff: expect.closeTo(-0.01, 12) });
    expect(judge(o, { auc: 0.85, tpr: 0.5 }, 0.02, '', null).outcome).toBe('differs');
    expect(judge(o, { auc: null, tpr: null }, 1, '', null).outcome).toBe('differs');
  });
});
