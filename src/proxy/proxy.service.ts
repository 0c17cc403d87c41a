import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { copilotConfig, CopilotConfig } from '../config/copilot.config';
import { sendOpenAiError } from '../common/openai-error';
import {
  CopilotClient,
  UpstreamRequest,
  UpstreamResponse,
  UpstreamTimeoutError,
} from '../copilot/copilot-client';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotCredentials,
  CopilotTokenProvider,
} from '../copilot/token/copilot-token.provider';
import { CopilotTokenUnavailableError } from '../copilot/token/copilot-token-unavailable.error';
import { setRequestLogFields } from '../logging/request-log-fields';
import { MetricsService } from '../metrics/metrics.service';
import { RouteClass, routeClass } from '../metrics/route-class';
import {
  clientResponseHeaders,
  isEventStream,
  upstreamRequestHeaders,
} from './header-policy';
import { ReplayableBody } from './replayable-body';
import { StreamPipe } from './stream-pipe';
import { upstreamPath } from './upstream-path';

/** Bodies up to this size are kept while they stream so a 401 can be retried. */
export const REPLAY_LIMIT_BYTES = 4 * 1024 * 1024;

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** Express's request, with the id `RequestLogger` gave it. */
type ProxiedRequest = IncomingMessage & {
  id?: string | number | object;
  originalUrl?: string;
};

@Injectable()
export class ProxyService {
  constructor(
    private readonly client: CopilotClient,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
    @Inject(copilotConfig.KEY) private readonly config: CopilotConfig,
    private readonly metrics: MetricsService,
  ) {}

  async forward(req: ProxiedRequest, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'TRACE' || method === 'CONNECT') {
      // TRACE would reflect the request, injected token included, back to the client.
      return sendOpenAiError(
        res,
        405,
        `${method} is not allowed through this proxy`,
        'invalid_request_error',
        'method_not_allowed',
        { allow: ALLOWED_METHODS },
      );
    }
    const path = upstreamPath(req.originalUrl ?? req.url ?? '');
    if (path === undefined) {
      return sendOpenAiError(
        res,
        400,
        'The request target must be a path starting with /',
        'invalid_request_error',
        'invalid_request_target',
      );
    }

    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });

    let credentials: CopilotCredentials;
    try {
      credentials = await this.tokens.getCredentials();
    } catch (error) {
      return this.tokenUnavailable(res, error);
    }

    const hasBody =
      req.headers['content-length'] !== undefined ||
      req.headers['transfer-encoding'] !== undefined;
    const replayable =
      hasBody && this.tokens.canRefresh
        ? new ReplayableBody(req, REPLAY_LIMIT_BYTES)
        : undefined;
    const request: UpstreamRequest = {
      method,
      path,
      headers: upstreamRequestHeaders(
        req.rawHeaders,
        typeof req.id === 'string' ? req.id : undefined,
      ),
      body: replayable ?? (hasBody ? req : undefined),
      signal: abort.signal,
    };

    const route = routeClass(path);
    let upstream = await this.send(request, credentials, res, route);
    if (
      upstream?.status === 401 &&
      this.tokens.canRefresh &&
      !abort.signal.aborted
    ) {
      upstream = await this.retryWithFreshToken(
        request,
        credentials,
        upstream,
        replayable,
        res,
        route,
      );
    }
    if (!upstream) return;
    if (abort.signal.aborted) {
      upstream.body.destroy();
      return;
    }
    this.respond(upstream, res, route);
  }

  /** Sends once; answers 502/504 itself and returns undefined when that fails. */
  private async send(
    request: UpstreamRequest,
    credentials: CopilotCredentials,
    res: ServerResponse,
    route: RouteClass,
  ): Promise<UpstreamResponse | undefined> {
    const timer = this.metrics.upstreamHeaders.startTimer({ route });
    try {
      const response = await this.client.send(request, credentials);
      timer();
      return response;
    } catch (error) {
      if (request.signal.aborted) return undefined;
      const kind =
        error instanceof UpstreamTimeoutError ? 'timeout' : 'unreachable';
      this.metrics.upstreamFailures.inc({ kind });
      if (error instanceof UpstreamTimeoutError) {
        setRequestLogFields(res, {
          outcome: 'upstream_timeout',
          detail: error.message,
        });
        sendOpenAiError(
          res,
          504,
          'The Copilot API did not answer in time',
          'upstream_error',
          'upstream_timeout',
        );
      } else {
        setRequestLogFields(res, {
          outcome: 'upstream_unreachable',
          detail: (error as Error).message,
        });
        sendOpenAiError(
          res,
          502,
          'The Copilot API could not be reached',
          'upstream_error',
          'upstream_unreachable',
        );
      }
      return undefined;
    }
  }

  /**
   * One refresh and one retry after the upstream rejected the token, when the body
   * could be kept; otherwise the 401 goes to the client as it came.
   */
  private async retryWithFreshToken(
    request: UpstreamRequest,
    rejected: CopilotCredentials,
    first: UpstreamResponse,
    replayable: ReplayableBody | undefined,
    res: ServerResponse,
    route: RouteClass,
  ): Promise<UpstreamResponse | undefined> {
    const body = replayable ? await replayable.replay() : undefined;
    if (replayable && !body) return first;
    let fresh: CopilotCredentials | undefined;
    try {
      fresh = await this.tokens.refreshAfterRejection(rejected);
    } catch {
      fresh = undefined;
    }
    if (!fresh || request.signal.aborted) return first;
    first.body.destroy();
    return this.send({ ...request, body }, fresh, res, route);
  }

  private respond(
    upstream: UpstreamResponse,
    res: ServerResponse,
    route: RouteClass,
  ): void {
    const headers = clientResponseHeaders(upstream.rawHeaders);
    const streaming = isEventStream(upstream.rawHeaders);
    if (streaming) {
      headers['X-Accel-Buffering'] = 'no';
      this.metrics.activeStreams.inc();
    }
    res.writeHead(upstream.status, upstream.statusMessage, headers);
    // An event stream's headers go out now, not with its first event.
    if (streaming) res.flushHeaders();
    const idleMs = this.config.upstreamIdleTimeoutMs;
    new StreamPipe(upstream.body, res, idleMs, (outcome, bytes) => {
      setRequestLogFields(res, {
        upstreamStatus: upstream.status,
        bytes,
        outcome,
        ...(outcome === 'idle_timeout' && {
          detail: `upstream body idle for ${idleMs} ms: connection cut`,
        }),
        ...(outcome === 'upstream_reset' && {
          detail: 'upstream reset mid-body: connection cut',
        }),
      });
      if (streaming) this.metrics.activeStreams.dec();
      this.metrics.streamedBytes.inc({ route }, bytes);
      if (outcome === 'idle_timeout' || outcome === 'upstream_reset') {
        this.metrics.upstreamFailures.inc({ kind: outcome });
      }
    }).start();
  }

  private tokenUnavailable(res: ServerResponse, error: unknown): void {
    const detail =
      error instanceof CopilotTokenUnavailableError ? error : undefined;
    setRequestLogFields(res, { outcome: 'token_unavailable' });
    sendOpenAiError(
      res,
      detail?.status ?? 503,
      detail?.publicMessage ?? 'No Copilot token is available',
      'authentication_error',
      detail?.code ?? 'copilot_token_unavailable',
      detail?.retryAfterSeconds
        ? { 'retry-after': String(detail.retryAfterSeconds) }
        : {},
    );
  }
}
