/**
 * Input errors of the metrics, raised in the same situations as scikit-learn raises its ValueError and starting with
 * the same sentence, so a message can be looked up in either code base. All extend {@link MetricInputError}, so a
 * caller (e.g. the CLI) can turn them into user-facing errors in one place.
 */
export class MetricInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** labels and scores differ in length. */
export class LengthMismatchError extends MetricInputError {
  constructor(
    readonly labelCount: number,
    readonly scoreCount: number,
  ) {
    super(`Found input variables with inconsistent numbers of samples: [${labelCount}, ${scoreCount}]`);
  }
}

/** No samples at all. */
export class EmptyInputError extends MetricInputError {
  constructor() {
    super('Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required.');
  }
}

/** Only positives or only negatives: ROC-based metrics are undefined. */
export class OneClassError extends MetricInputError {
  constructor(
    readonly presentClass: 0 | 1,
    metric = 'ROC AUC score',
  ) {
    super(
      `Only one class present in y_true. ${metric} is not defined in that case ` +
        `(every label is ${presentClass}; both 0 and 1 are needed).`,
    );
  }
}

/** A score is NaN or ±Infinity. */
export class NonFiniteScoreError extends MetricInputError {
  constructor(
    readonly index: number,
    readonly value: number,
  ) {
    super(
      Number.isNaN(value)
        ? `Input contains NaN: y_score[${index}] is NaN.`
        : `Input contains infinity or a value too large for dtype('float64'): y_score[${index}] is ${value}.`,
    );
  }
}

/** A label other than 0 or 1 (we support binary 0/1 labels only; 1 is the positive, i.e. fake, class). */
export class InvalidLabelError extends MetricInputError {
  constructor(
    readonly index: number,
    readonly value: unknown,
  ) {
    super(`Labels must be 0 or 1: y_true[${index}] is ${String(value)}.`);
  }
}

/** An option out of its range (e.g. maxFpr not in (0, 1]). */
export class InvalidMetricOptionError extends MetricInputError {}
