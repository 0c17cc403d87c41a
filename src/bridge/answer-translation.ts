import type { ServerResponse } from 'node:http';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import {
  clientResponseHeaders,
  deleteHeader,
  dropUnwritableHeaders,
  isEventStream,
} from '../http/header-policy';
import { SseParser } from '../http/sse';
import type { PipeTransform } from '../http/stream-pipe';
import { clientErrorBody } from './answers/client-error';
import type { WriterContext } from './answers/writer-context';
import type { Direction } from './direction';
import type { Json, StreamPart } from './ir';

/** An upstream body translated whole (a JSON answer, an error) is held up to this. */
export const MAX_TRANSLATED_BYTES = 8 * 1024 * 1024;

/** What the client is told when an upstream answer cannot be translated. */
const UNTRANSLATABLE_ANSWER =
  'The Copilot API answer could not be translated (nested too deeply or malformed)';

/** Headers that describe the upstream's body, not the translated one. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'etag',
];

/** What the client gets for an upstream answer to a translated request. */
export interface TranslatedAnswer {
  /** Written before the body (a stream): status and headers. */
  head?: { status: number; headers: Record<string, string | string[]> };
  /** The client's headers: the head's, or those written with a whole body at its end. */
  headers: Record<string, string | string[]>;
  transform: PipeTransform;
}

/** Memory for answers held whole on their way (the shared answer budget). */
export interface HoldBudget {
  tryReserve(bytes: number): boolean;
  release(bytes: number): void;
}

/**
 * The answer side of a translated call (SPEC §11). A 2xx event stream is
 * translated event by event as it arrives — parsed, read into bridge parts, and
 * written in the client API's grammar — and a failure mid-stream becomes that
 * API's error event. A JSON answer, and any error answer, is held whole (within
 * the answer budget), then written in the client's shape with the upstream's
 * status and headers (`Retry-After` and the rate-limit headers among them).
 */
export class AnswerTranslation {
  constructor(
    private readonly direction: Direction,
    private readonly writer: WriterContext,
    /** Extra headers on the client's answer (`X-Copilot-Bridge`, `X-Bridge-Ignored`). */
    private readonly extraHeaders: Record<string, string>,
    private readonly budget: HoldBudget,
  ) {}

  prepare(upstream: UpstreamResponse, res: ServerResponse): TranslatedAnswer {
    const headers = clientResponseHeaders(upstream.rawHeaders);
    for (const name of BODY_HEADERS) deleteHeader(headers, name);
    Object.assign(headers, this.extraHeaders);
    const ok = upstream.status >= 200 && upstream.status < 300;
    if (ok && isEventStream(upstream.rawHeaders)) {
      headers['Content-Type'] = 'text/event-stream; charset=utf-8';
      headers['Cache-Control'] = 'no-cache';
      return {
        head: { status: upstream.status, headers },
        headers,
        transform: this.streaming(),
      };
    }
    return { headers, transform: this.whole(upstream, headers, res, ok) };
  }

  private streaming(): PipeTransform {
    const parser = new SseParser();
    const reader = this.direction.streamReader();
    const writer = this.direction.streamWriter(this.writer);
    const write = (parts: StreamPart[]) =>
      parts.map((p) => writer.write(p)).join('');
    const cutShort = (message: string) =>
      write([{ type: 'error', message, status: 502, code: 'upstream_error' }]) +
      writer.end();
    // What comes from upstream must not throw out of the relay (an answer nested
    // past the stack): the client gets an error event, and nothing more.
    let broken = false;
    const guarded = (produce: () => string): string => {
      if (broken) return '';
      try {
        return produce();
      } catch {
        broken = true;
        try {
          return cutShort(UNTRANSLATABLE_ANSWER);
        } catch {
          return '';
        }
      }
    };
    return {
      chunk: (chunk) =>
        guarded(() =>
          parser
            .push(chunk)
            .map((event) => write(reader.push(event)))
            .join(''),
        ),
      end: () =>
        guarded(() => {
          const rest = parser.end().map((event) => write(reader.push(event)));
          return rest.join('') + write(reader.end()) + writer.end();
        }),
      fail: (outcome) =>
        guarded(() =>
          cutShort(
            outcome === 'idle_timeout'
              ? 'The Copilot API stopped sending: the answer is cut short'
              : 'The Copilot API connection broke: the answer is cut short',
          ),
        ),
    };
  }

  /** A body held whole, then written with its head at the end. */
  private whole(
    upstream: UpstreamResponse,
    headers: Record<string, string | string[]>,
    res: ServerResponse,
    ok: boolean,
  ): PipeTransform {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const letGo = () => {
      this.budget.release(size);
      chunks.length = 0;
    };
    const send = (status: number, body: string) => {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      headers['Content-Length'] = String(Buffer.byteLength(body));
      // Written in the upstream body's `end` handler: it must not throw there.
      dropUnwritableHeaders(headers);
      if (!res.headersSent) res.writeHead(status, headers);
      return body;
    };
    const contentType = upstream.rawHeaders.find(
      (_, i, all) => i % 2 === 1 && all[i - 1].toLowerCase() === 'content-type',
    );
    const written = (body: Buffer): string => {
      if (tooLarge)
        return send(
          502,
          this.failure(502, 'The Copilot API answer is too large to translate'),
        );
      if (!ok) {
        return send(
          upstream.status,
          clientErrorBody(this.direction.client, upstream.status, {
            contentType,
            body,
          }),
        );
      }
      const answer = parseJson(body);
      if (!answer)
        return send(
          502,
          this.failure(
            502,
            'The Copilot API answered something that is not JSON',
          ),
        );
      const read = this.direction.readAnswer(answer);
      if (read.finishReason === 'error')
        return send(502, this.failure(502, failedMessage(answer)));
      return send(
        upstream.status,
        JSON.stringify(this.direction.writeAnswer(read, this.writer)),
      );
    };
    return {
      chunk: (chunk) => {
        if (tooLarge) return '';
        if (
          size + chunk.length > MAX_TRANSLATED_BYTES ||
          !this.budget.tryReserve(chunk.length)
        ) {
          tooLarge = true;
          letGo();
          return '';
        }
        size += chunk.length;
        chunks.push(chunk);
        return '';
      },
      end: () => {
        const body = Buffer.concat(chunks, size);
        letGo();
        try {
          return written(body);
        } catch {
          // An answer the bridge cannot read or write (nested past the stack).
          return send(502, this.failure(502, UNTRANSLATABLE_ANSWER));
        }
      },
      fail: () => {
        letGo();
        return send(
          502,
          this.failure(
            502,
            'The Copilot API connection broke before its answer was complete',
          ),
        );
      },
    };
  }

  /** An error the bridge itself answers, in the client API's shape. */
  private failure(status: number, message: string): string {
    return clientErrorBody(this.direction.client, status, {
      contentType: 'application/json',
      body: Buffer.from(
        JSON.stringify({ error: { message, code: 'upstream_bad_response' } }),
      ),
    });
  }
}

function parseJson(body: Buffer): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed)
      ? (parsed as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The message of a failed Responses answer (`status: failed`, `error.message`). */
function failedMessage(answer: Json): string {
  const error = answer.error as { message?: unknown } | undefined;
  return typeof error?.message === 'string' && error.message
    ? error.message
    : 'The Copilot API failed to answer';
}
