/**
 * An error meant for the user: the CLI prints its message alone (no stack) and exits with `exitCode`.
 * Anything else that escapes a command is a bug and is printed with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
