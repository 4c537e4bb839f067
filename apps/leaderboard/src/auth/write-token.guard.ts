import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { LEADERBOARD_CONFIG, type LeaderboardConfig } from '../config';

/**
 * Guards the write endpoints: `Authorization: Bearer <LEADERBOARD_TOKEN>`. Without a configured token every write
 * is refused (a leaderboard nobody set a token for is read-only, not open).
 */
@Injectable()
export class WriteTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(LEADERBOARD_CONFIG) config: LeaderboardConfig) {
    this.expected = config.writeToken ? digest(config.writeToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException('writes are disabled: start the leaderboard with LEADERBOARD_TOKEN set');
    const header = context.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // Compare digests: equal length, constant time, whatever the caller sent.
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('a valid Authorization: Bearer token is required for writes');
    }
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
