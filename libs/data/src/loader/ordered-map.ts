/** The outcome of one input of {@link orderedMap}: its value, or the error it raised. */
export type Settled<T, R> = { readonly input: T; readonly ok: true; readonly value: R } | { readonly input: T; readonly ok: false; readonly error: unknown };

/**
 * Maps `fn` over `inputs` ahead of the consumer and yields results in input order: at most `window` results are
 * pending or buffered (so memory is bounded whatever the input length) and at most `concurrency` calls run at once.
 * Errors are yielded, not thrown, so the caller applies its own policy and no rejection goes unhandled.
 */
export async function* orderedMap<T, R>(inputs: Iterable<T>, fn: (input: T) => Promise<R>, window: number, concurrency: number): AsyncGenerator<Settled<T, R>> {
  const limit = semaphore(Math.max(1, concurrency));
  const pending: Array<Promise<Settled<T, R>>> = [];
  const it = inputs[Symbol.iterator]();
  let done = false;
  const fill = () => {
    while (!done && pending.length < Math.max(1, window)) {
      const next = it.next();
      if (next.done) {
        done = true;
        break;
      }
      const input = next.value;
      pending.push(
        limit(() => fn(input)).then(
          (value): Settled<T, R> => ({ input, ok: true, value }),
          (error: unknown): Settled<T, R> => ({ input, ok: false, error }),
        ),
      );
    }
  };
  fill();
  while (pending.length > 0) {
    const head = pending.shift() as Promise<Settled<T, R>>;
    fill();
    yield await head;
  }
}

/** A counting semaphore: `limit(task)` runs at most `n` tasks at once, in call order. */
function semaphore(n: number): <R>(task: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };
  return <R>(task: () => Promise<R>) =>
    new Promise<R>((resolve, reject) => {
      const run = () => {
        active++;
        task().then(resolve, reject).finally(release);
      };
      if (active < n) run();
      else waiting.push(run);
    });
}
