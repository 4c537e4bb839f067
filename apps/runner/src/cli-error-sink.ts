import { UserError } from '@dfl/core';

/**
 * The one place errors from commands end up: a UserError prints its message alone (it was written for the
 * user), anything else is a bug and prints with its stack. Sets the exit code; never throws.
 */
export function reportError(err: unknown): void {
  if (err instanceof UserError) {
    process.stderr.write(`${err.message.replace(/\n?$/, '\n')}`);
    process.exitCode = err.exitCode;
    return;
  }
  const e = err as { code?: string; exitCode?: number };
  if (e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
    process.exitCode = e.exitCode ?? 1; // commander already printed it
    return;
  }
  process.stderr.write(`dfl: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
}

/** Wraps an async action so that whatever it throws reaches {@link reportError}. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportError(err);
    }
  };
}
