import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request } from 'express';
import { isPublic } from '../common/public.decorator';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from '../request-context/request-context';

/**
 * Per client key (per client IP when anonymous). Runs after the key guard, which
 * names the key; `req.ip` honours `TRUST_PROXY` only when it is configured.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(isPublic(this.reflector, context));
  }

  protected override getTracker(req: Record<string, any>): Promise<string> {
    const request = req as Request;
    const keyId = requestContext(request).keyId;
    return Promise.resolve(
      keyId !== undefined ? `key:${keyId}` : `ip:${request.ip ?? 'unknown'}`,
    );
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new ProxyError('rate_limit_exceeded', {
      message: `Rate limit exceeded: retry in ${detail.timeToBlockExpire} s`,
    });
  }
}
