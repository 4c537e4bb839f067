import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RunNotFoundError, RunStateError } from '@dfl/db';

/** The repository's domain errors as HTTP answers: unknown run => 404, a change its state forbids => 409. */
@Catch(RunNotFoundError, RunStateError)
export class RunErrorsFilter implements ExceptionFilter {
  catch(error: RunNotFoundError | RunStateError, host: ArgumentsHost): void {
    const status = error instanceof RunNotFoundError ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(status)
      .json({ statusCode: status, message: error.message, error: status === HttpStatus.NOT_FOUND ? 'Not Found' : 'Conflict' });
  }
}
