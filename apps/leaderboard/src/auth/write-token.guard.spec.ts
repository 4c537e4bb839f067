import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { WriteTokenGuard } from './write-token.guard';

const withHeader = (authorization?: string): ExecutionContext =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;

describe('WriteTokenGuard', () => {
  const guard = new WriteTokenGuard({ writeToken: 's3cret', webDir: '', countCacheMs: 0, listCache: true, reapEveryMs: 0 });

  it('lets the right bearer token through', () => {
    expect(guard.canActivate(withHeader('Bearer s3cret'))).toBe(true);
    expect(guard.canActivate(withHeader('bearer s3cret'))).toBe(true);
  });

  it.each([undefined, '', 's3cret', 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret'])('refuses %p with 401', (header) => {
    expect(() => guard.canActivate(withHeader(header))).toThrow(UnauthorizedException);
  });

  it('refuses every write with 403 when no token is configured', () => {
    const readOnly = new WriteTokenGuard({ writeToken: null, webDir: '', countCacheMs: 0, listCache: true, reapEveryMs: 0 });
    expect(() => readOnly.canActivate(withHeader('Bearer anything'))).toThrow(ForbiddenException);
  });
});
