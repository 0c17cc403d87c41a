import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import type { Settings } from '../config/settings';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import type { RequestContext } from '../request-context/request-context';
import {
  clientResponseHeaders,
  deleteHeader,
  dropUnwritableHeaders,
  isEventStream,
} from '../http/header-policy';
import { PipeOutcome, StreamPipe } from '../http/stream-pipe';
import type { BodyTap } from '../http/body-tap';
import type {
  AnswerTranslation,
  TranslatedAnswer,
} from '../bridge/answer-translation';
import { AnswerStage } from '../compat/answers/answer.stage';
import { adjustedHeader } from '../compat/compat.stage';

const CUT_DETAIL: Partial<Record<PipeOutcome, (idleMs: number) => string>> = {
  idle_timeout: (idleMs) =>
    `upstream body idle for ${idleMs} ms: connection cut`,
  upstream_reset: () => 'upstream reset mid-body: connection cut',
};

/**
 * The last stage: the upstream's status and headers (less hop-by-hop) go to the
 * client, then the body chunk by chunk through `StreamPipe`; an event stream's
 * headers are flushed at once and marked `X-Accel-Buffering: no`.
 */
@Injectable()
export class ResponseRelay {
  private readonly idleTimeoutMs: number;

  constructor(
    private readonly metrics: MetricsService,
    private readonly keys: ClientKeyRegistry,
    config: ConfigService<Settings, true>,
    private readonly answers: AnswerStage,
  ) {
    this.idleTimeoutMs = config.get('copilot', {
      infer: true,
    }).upstreamIdleTimeoutMs;
  }

  /**
   * Relays an answer: `upstream` sees the upstream's bytes (usage metering),
   * `client` what the client gets (the response cache's copy) — the same bytes
   * but for a translated answer, which `translation` rewrites on the way.
   */
  relay(
    context: RequestContext,
    upstream: UpstreamResponse,
    res: ServerResponse,
    taps: { upstream?: BodyTap; client?: BodyTap } = {},
    translation?: AnswerTranslation,
  ): void {
    const streaming = isEventStream(upstream.rawHeaders);
    let translated: TranslatedAnswer | undefined;
    let transform;
    try {
      // Answer rules (SPEC §13): a transform only where one applies.
      const plan = this.answers.plan(
        context,
        upstream,
        res,
        translation?.prepare(upstream, res),
      );
      translated = plan.translated;
      transform = translated?.transform ?? plan.transform;
      this.head(context, upstream, res, streaming, translated);
    } catch (error) {
      // Nothing relayed: the upstream connection is let go, the call still metered.
      upstream.body.destroy();
      taps.upstream?.end('upstream_reset');
      throw error instanceof ProxyError
        ? error
        : new ProxyError('upstream_bad_response', {
            detail: `answer head not writable (${(error as Error).message})`,
          });
    }
    if (streaming) {
      // An event stream's headers go out now, not with its first event — unless
      // that event came with them and is relayed as it is: the pipe's first
      // write, before any other I/O, then carries both (one write less per
      // stream, which a burst of streams opening at once pays in time to first
      // byte; docs/performance.md).
      const firstEventInHand = !transform && upstream.body.readableLength > 0;
      if (res.headersSent && !firstEventInHand) res.flushHeaders();
      this.metrics.activeStreams.inc();
    }
    context.upstreamStatus = upstream.status;
    context.stream = streaming;
    const idleMs = this.idleTimeoutMs;
    const observe = observer(context, upstream.status);
    const { upstream: meter, client } = taps;
    new StreamPipe(
      upstream.body,
      res,
      idleMs,
      (outcome, bytes) => {
        context.bytes = bytes;
        context.outcome = outcome;
        context.detail = CUT_DETAIL[outcome]?.(idleMs);
        if (streaming) this.metrics.activeStreams.dec();
        this.metrics.countStreamedBytes(context.route, bytes);
        if (CUT_DETAIL[outcome]) {
          this.metrics.upstreamFailures.inc({ kind: outcome });
        }
        meter?.end(outcome);
        if (client !== meter) client?.end(outcome);
      },
      (chunk) => {
        observe(chunk);
        meter?.chunk(chunk);
        if (!transform && client !== meter) client?.chunk(chunk);
      },
      transform && {
        transform,
        clientTap: client && ((chunk) => client.chunk(chunk)),
      },
    ).start();
  }

  /** The client's status and headers: written now, or (a translated whole answer) at its end. */
  private head(
    context: RequestContext,
    upstream: UpstreamResponse,
    res: ServerResponse,
    streaming: boolean,
    translated: TranslatedAnswer | undefined,
  ): void {
    if (!translated) {
      const headers = clientResponseHeaders(upstream.rawHeaders);
      this.ownHeadersOnly(context, headers);
      if (streaming) headers['X-Accel-Buffering'] = 'no';
      this.writeHead(upstream, res, headers);
    } else if (translated.head) {
      const { status, headers } = translated.head;
      this.ownHeadersOnly(context, headers);
      headers['X-Accel-Buffering'] = 'no';
      dropUnwritableHeaders(headers);
      res.writeHead(status, headers);
    } else {
      // Written with the whole translated body at its end.
      this.ownHeadersOnly(context, translated.headers);
    }
  }

  /**
   * Headers the proxy answers for itself: its own `X-Cache` (never the
   * upstream's) when the response cache saw the request, and the account's
   * `x-quota-snapshot-*` only for a key that may read the account's usage,
   * and `X-Copilot-Adjusted` naming the compatibility rules applied (SPEC §13).
   */
  private ownHeadersOnly(
    context: RequestContext,
    headers: Record<string, string | string[]>,
  ): void {
    if (context.cache !== undefined) deleteHeader(headers, 'x-cache');
    if (context.adjustments !== undefined)
      headers['X-Copilot-Adjusted'] = adjustedHeader(context.adjustments);
    if (
      context.keyName === undefined ||
      this.keys.named(context.keyName)?.readAllUsage
    )
      return;
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase().startsWith('x-quota-snapshot-'))
        delete headers[name];
    }
  }

  /**
   * The upstream's status line and headers, or a 502 when they cannot be relayed
   * (a reason phrase with control characters, a status Node refuses); the
   * upstream connection is released either way. A 204 carries no Content-Length.
   */
  private writeHead(
    upstream: UpstreamResponse,
    res: ServerResponse,
    headers: Record<string, string | string[]>,
  ): void {
    if (upstream.status === 204) deleteHeader(headers, 'content-length');
    const reason = upstream.statusMessage;
    try {
      if (INVALID_REASON.test(reason)) throw new Error('invalid reason phrase');
      res.writeHead(upstream.status, reason, headers);
    } catch (error) {
      upstream.body.destroy();
      res.statusMessage = '';
      throw new ProxyError('upstream_bad_response', {
        detail: `upstream status line or headers not relayable (${(error as Error).message})`,
      });
    }
  }
}

/** Longest part of an upstream error body that goes into the log line. */
const ERROR_SNIPPET_BYTES = 200;
/** Token-like strings an error body could echo: never logged. */
const SECRET_LIKE =
  /(tid=[^;\s"]+|gh[opsu]_[A-Za-z0-9]+|github_pat_\w+|Bearer\s+\S+)/g;

/**
 * What the log line learns from the body: when the first byte went out, and the
 * start of an upstream error (printable, secrets masked).
 */
function observer(
  context: RequestContext,
  status: number,
): (chunk: Buffer) => void {
  let snippet = status >= 400 ? '' : undefined;
  return (chunk) => {
    context.firstByteMs ??= performance.now() - context.startedAt;
    if (snippet === undefined || snippet.length >= ERROR_SNIPPET_BYTES) return;
    snippet += chunk
      .subarray(0, ERROR_SNIPPET_BYTES - snippet.length)
      .toString('utf8')
      .replace(/[^\x20-\x7e]/g, ' ');
    context.upstreamError = snippet.replace(SECRET_LIKE, '[redacted]');
  };
}

/** RFC 9112 reason-phrase: HTAB, SP, VCHAR, obs-text. */
const INVALID_REASON = /[^\t\x20-\x7e\x80-\xff]/;
