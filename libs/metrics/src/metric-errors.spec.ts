import { accuracyAtThreshold } from './accuracy';
import { evaluateScores } from './evaluate-scores';
import { logLoss } from './log-loss';
import {
  EmptyInputError,
  InvalidLabelError,
  InvalidMetricOptionError,
  LengthMismatchError,
  MetricInputError,
  NonFiniteScoreError,
  OneClassError,
} from './metric-errors';
import { rocAucScore } from './roc-auc';
import { tprAtFpr } from './tpr-at-fpr';

describe('bad input fails the way scikit-learn does', () => {
  it('labels and scores of different lengths', () => {
    expect(() => rocAucScore([0, 1, 1], [0.1, 0.2])).toThrow(LengthMismatchError);
    expect(() => rocAucScore([0, 1, 1], [0.1, 0.2])).toThrow(
      'Found input variables with inconsistent numbers of samples: [3, 2]',
    );
  });

  it('no samples', () => {
    expect(() => evaluateScores([], [])).toThrow(EmptyInputError);
  });

  it('only one class', () => {
    expect(() => rocAucScore([1, 1, 1], [0.1, 0.2, 0.3])).toThrow(
      'Only one class present in y_true. ROC AUC score is not defined in that case',
    );
    expect(() => tprAtFpr([0, 0], [0.1, 0.2])).toThrow(OneClassError);
    expect(() => logLoss([0, 0], [0.1, 0.2])).toThrow('Log loss is not defined');
    // accuracy is defined on one class, as in scikit-learn
    expect(accuracyAtThreshold([1, 1], [0.9, 0.2])).toBe(0.5);
  });

  it('NaN and infinite scores, naming the index', () => {
    expect(() => rocAucScore([0, 1, 1], [0.1, NaN, 0.3])).toThrow('Input contains NaN: y_score[1] is NaN.');
    expect(() => rocAucScore([0, 1, 1], [0.1, 0.2, Infinity])).toThrow(
      "Input contains infinity or a value too large for dtype('float64'): y_score[2] is Infinity.",
    );
    expect(() => evaluateScores([0, 1], [-Infinity, 0.3])).toThrow(NonFiniteScoreError);
  });

  it('labels other than 0 and 1', () => {
    expect(() => rocAucScore([0, 2, 1], [0.1, 0.2, 0.3])).toThrow(InvalidLabelError);
    expect(() => rocAucScore([0, 2, 1], [0.1, 0.2, 0.3])).toThrow('Labels must be 0 or 1: y_true[1] is 2.');
  });

  it('max FPR outside (0, 1]', () => {
    expect(() => tprAtFpr([0, 1], [0.1, 0.2], 0)).toThrow(InvalidMetricOptionError);
    expect(() => tprAtFpr([0, 1], [0.1, 0.2], 1.5)).toThrow('Expected max_fpr in range (0, 1], got: 1.5');
  });

  it('every input error shares one base class, so callers can catch them together', () => {
    const thrown: unknown[] = [];
    for (const run of [() => rocAucScore([1], [0.5]), () => rocAucScore([0, 1], [NaN, 1]), () => rocAucScore([0], [])]) {
      try {
        run();
      } catch (err) {
        thrown.push(err);
      }
    }
    expect(thrown).toHaveLength(3);
    for (const err of thrown) expect(err).toBeInstanceOf(MetricInputError);
  });
});

describe('inputs', () => {
  it('accepts booleans and typed arrays as labels', () => {
    const scores = [0.1, 0.4, 0.35, 0.8];
    expect(rocAucScore([false, false, true, true], scores)).toBe(0.75);
    expect(rocAucScore(Uint8Array.from([0, 0, 1, 1]), Float32Array.from(scores))).toBe(0.75);
  });

  it('treats -0 and 0 as one tied score', () => {
    expect(rocAucScore([0, 1], [-0, 0])).toBe(0.5);
  });
});
