import { UserError } from '@dfl/core';

/** A problem in a CSV file the user gave us, reported as `file:line: message` (or `file: message` for the whole file). */
export class CsvFileError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'CsvFileError';
  }
}
