import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeCopilotApi } from './fake-copilot-api';
import { Exchange, FakeTimers, send } from './fake-http';
import { checkModel } from './fake-model-check';

/**
 * What accounts on token-based billing get next to `usage` when
 * {@link FakeCopilotApi.copilotUsage} is on: `{total_nano_aiu, token_details}`
 * (1 AIU = 1e9 nano-AIU).
 */
export const COPILOT_USAGE = { total_nano_aiu: 1234000, token_details: [] };

/** One SSE event the Anthropic and Responses way: `event: <name>\ndata: <json>\n\n`. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One SSE event the Chat way: `data: <json>\n\n`. */
export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** `text` cut in `count` pieces (at least 2 when it has 2 characters) that join back to it. */
export function fragments(text: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size)
    pieces.push(text.slice(at, at + size));
  return pieces;
}

const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` and 24 random letters and digits: `call_…`, `toolu_…`, `fc_…` ids. */
export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** The body as a JSON object, or undefined when it is not one. */
export function jsonBody(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One part of a streamed answer, made when it is written (so `sent` stamps are true). */
export type StreamPart = () => string;

/**
 * What every inference route (chat completions, messages, responses, embeddings)
 * shares: the quota header, `copilot_usage`, the model check, paced streams and the
 * {@link FakeCopilotApi.served} records.
 */
export class Inference {
  constructor(
    readonly fake: FakeCopilotApi,
    private readonly timers: FakeTimers,
  ) {}

  /** `x-quota-snapshot-premium_interactions` when {@link FakeCopilotApi.quotaSnapshot} is set. */
  quotaHeaders(): Record<string, string> {
    const snapshot = this.fake.quotaSnapshot;
    return snapshot === undefined
      ? {}
      : { 'x-quota-snapshot-premium_interactions': snapshot };
  }

  /** `{copilot_usage}` when {@link FakeCopilotApi.copilotUsage} is on, else `{}`. */
  copilotUsage(): { copilot_usage?: typeof COPILOT_USAGE } {
    return this.fake.copilotUsage ? { copilot_usage: COPILOT_USAGE } : {};
  }

  /**
   * The model to answer `path` as: the body's `model`, or `fallback` when it has
   * none. Answers Copilot's 400 (`text/plain`, JSON and a newline) and returns
   * undefined for a model the account does not list or does not serve on `path`.
   */
  model(
    ex: Exchange,
    path: string,
    requested: unknown,
    fallback: string,
    stream: boolean,
  ): string | undefined {
    const check = checkModel(this.fake.models, path, requested, fallback);
    if (check.ok) return check.model;
    this.served(ex, check.model, check.status, stream);
    send(
      ex.res,
      check.status,
      check.body,
      'text/plain; charset=utf-8',
      this.quotaHeaders(),
    );
    return undefined;
  }

  /** Notes in {@link FakeCopilotApi.served} what was answered to `ex`. */
  served(ex: Exchange, model: unknown, status: number, stream: boolean): void {
    this.fake.noteServed({
      path: ex.url.pathname,
      model,
      status,
      stream,
      scripted: false,
      request: ex.record,
    });
  }

  /**
   * A `text/event-stream` answer: `parts[0]` at once, then each next part
   * `intervalMs` later (on the fake's timers, even for 0), or all at once when
   * `intervalMs` is undefined; then the end. Stops when the client has gone.
   */
  stream(
    res: ServerResponse,
    parts: StreamPart[],
    intervalMs: number | undefined,
  ): void {
    res.writeHead(200, {
      ...this.quotaHeaders(),
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    if (intervalMs === undefined) {
      res.end(parts.map((part) => part()).join(''));
      return;
    }
    let next = 0;
    const write = (): void => {
      if (res.destroyed) return;
      res.write(parts[next++]());
      if (next === parts.length) res.end();
      else this.timers.later(intervalMs, write);
    };
    write();
  }
}

/** `x-fake-interval-ms` of the request, if it has one. */
export function intervalOf(ex: Exchange): number | undefined {
  const header = ex.req.headers['x-fake-interval-ms'];
  return typeof header === 'string' ? Number(header) : undefined;
}
