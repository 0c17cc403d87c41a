import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the fake saw of one request. */
export interface RecordedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The client (the proxy) closed the connection before the answer was complete. */
  aborted: boolean;
}

/** What the fake answered to one inference request (see {@link RecordedRequest}). */
export interface ServedAnswer {
  /** The request's path, without its query. */
  path: string;
  /** The model answered as (the default one when the body named none), or the refused `model` value. */
  model: unknown;
  status: number;
  /** The answer was (or, refused, would have been) an event stream. */
  stream: boolean;
  /** A `FakeCopilotApi.script` answer, not the route's. */
  scripted: boolean;
  request: RecordedRequest;
}

/** One request as the fake's routes get it: its body is already read to the end. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  /** The request target, parsed against a dummy origin. */
  url: URL;
}

/** The wall clock with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Timers the fake's routes set, all cleared when the fake stops. */
export class FakeTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Runs `fn` after `ms` milliseconds, unless the fake stops first. */
  later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
  }

  /** Accepts timers again (the fake started anew). */
  start(): void {
    this.stopped = false;
  }

  /** Clears every pending timer and refuses new ones until started again. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/** A form (`a=1&b=2`) or JSON object body as a flat record of strings. */
export function parseBody(record: RecordedRequest): Record<string, string> {
  const text = record.body.toString('utf8');
  if ((record.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** A complete JSON answer with its Content-Length. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(body), 'application/json', headers);
}

/** A complete answer of `type` with its Content-Length. */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
