import {
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request } from 'express';
import { IS_PUBLIC } from '../common/public.decorator';
import type { KeyedRequest } from '../auth/api-key.guard';

export class RateLimitExceededException extends HttpException {
  readonly code = 'rate_limit_exceeded';

  constructor(retryAfterSeconds: number) {
    super(
      `Rate limit exceeded: retry in ${retryAfterSeconds} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Per client key (per client IP when anonymous). Runs after the key guard, which
 * names the key; `req.ip` honours `TRUST_PROXY` only when it is configured.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(
    context: ExecutionContext,
  ): Promise<boolean> {
    return (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ]) ?? false
    );
  }

  protected override async getTracker(
    req: Record<string, any>,
  ): Promise<string> {
    const keyed = req as KeyedRequest & Request;
    return keyed.clientKeyId !== undefined
      ? `key:${keyed.clientKeyId}`
      : `ip:${keyed.ip ?? 'unknown'}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitExceededException(detail.timeToBlockExpire);
  }
}
