import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { Agent, IncomingHttpHeaders, request } from 'node:http';
import { nowMs } from '../test/support/fake-http';

/**
 * A proxy measured, in front of the same fake: the floor, or one of the proxy's
 * processes (the default one, or another configuration, then with a `label`).
 */
export interface Target {
  /** The side of the results its measures go to. */
  name: 'proxy' | 'floor';
  /** Names it in the log when it is not the default proxy. */
  label?: string;
  url: string;
  proc: ChildProcess;
  /** Sent on every request the load helpers make (a client key, say). */
  headers?: Record<string, string>;
}

/** The name to log a target under. */
export const labelOf = (t: Target): string => t.label ?? t.name;

/** Sent by the client so the floor (which adds nothing) passes the API's header check too. */
export const EDITOR = { 'editor-version': 'vscode/1.104.3' };

/** The small non-streaming chat completion request. */
export const SMALL_CHAT = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hello' }],
});

/** A GET on a fresh connection; resolves with the status, 0 on a network error. */
export function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/**
 * One `POST` of `body` on a fresh connection, with the target's and `headers`;
 * resolves with the status, the response headers and the body.
 */
export function postOnce(
  target: Target,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${target.url}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...EDITOR,
          ...target.headers,
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `POST /chat/completions` with `body` at 32 connections, for `seconds` or for
 * `amount` requests in all, with the target's headers and `headers`.
 */
export async function postChat(
  target: Target,
  body: string,
  run: { seconds: number } | { amount: number },
  headers: Record<string, string> = {},
) {
  const result = await autocannon({
    url: `${target.url}/chat/completions`,
    method: 'POST',
    connections: 32,
    ...('seconds' in run ? { duration: run.seconds } : { amount: run.amount }),
    headers: {
      'content-type': 'application/json',
      ...EDITOR,
      ...target.headers,
      ...headers,
    },
    body,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** `amount` requests to `GET /models` at 16 connections. */
export async function getModels(target: Target, amount: number): Promise<void> {
  await autocannon({
    url: `${target.url}/models`,
    connections: 16,
    amount,
    headers: EDITOR,
  });
}

/**
 * Opens `count` streamed chat completions at once, each of `events` events
 * `intervalMs` apart; resolves with per-event lags (fake send → client receive),
 * times to first byte and errors. `onAllOpen` runs once every stream has its headers.
 */
export function streams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
  onAllOpen?: () => void,
) {
  const body = JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return openStreams(
    target,
    count,
    events,
    {
      method: 'POST',
      path: '/chat/completions',
      body,
      headers: {
        'content-type': 'application/json',
        'x-fake-events': String(events),
        'x-fake-interval-ms': String(intervalMs),
      },
    },
    onAllOpen,
  );
}

/**
 * As {@link streams}, on the fake's `GET /_test/sse?events=N&interval=MS`: the same
 * `data: {…,"sent":…}` events, on a path the proxy neither inspects nor meters.
 */
export function testSseStreams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
) {
  return openStreams(target, count, events, {
    method: 'GET',
    path: `/_test/sse?events=${events}&interval=${intervalMs}`,
    headers: {},
  });
}

/**
 * As {@link streams}, for an Anthropic client (`POST /v1/messages`) on a model the
 * fake serves on chat only (`gemini-2.5-pro`): the bridge translates each chat
 * chunk into Anthropic events on the way. The fake puts each event's send time in
 * its text (`x-fake-stamp-content`), where the lag is read from.
 */
export function bridgedStreams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
) {
  const body = JSON.stringify({
    model: 'gemini-2.5-pro',
    max_tokens: 256,
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return openStreams(target, count, events, {
    method: 'POST',
    path: '/v1/messages',
    body,
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-fake-events': String(events),
      'x-fake-interval-ms': String(intervalMs),
      'x-fake-stamp-content': '1',
    },
    sent: /sent@([\d.]+)/,
  });
}

/**
 * As {@link streams}, for a Responses client (`POST /responses`, native) on the
 * fake's Copilot-like stream whose item ids churn on every event (R9): the
 * proxy pins them per output index (rule r9) unless `COMPAT_RULES=-r9`.
 */
export function churningResponsesStreams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
) {
  const body = JSON.stringify({
    model: 'gpt-5.1-codex',
    stream: true,
    store: false,
    input: 'hi',
  });
  return openStreams(target, count, events, {
    method: 'POST',
    path: '/responses',
    body,
    headers: {
      'content-type': 'application/json',
      'x-bench-churn': '1',
      'x-fake-events': String(events),
      'x-fake-interval-ms': String(intervalMs),
    },
  });
}

/** What each stream of {@link openStreams} sends. */
interface StreamRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers: Record<string, string>;
  /** Where an event carries its send time (default: the fake's `"sent":`). */
  sent?: RegExp;
}

/**
 * Opens `count` streams of `events` events at once, each as `spec` says; resolves
 * with per-event lags (the event's `sent` → client receive), times to first byte
 * and errors (a status other than 200, or not `events` events).
 */
async function openStreams(
  target: Target,
  count: number,
  events: number,
  spec: StreamRequest,
  onAllOpen?: () => void,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const lags: number[] = [];
  const ttfb: number[] = [];
  let errors = 0;
  let open = 0;
  const { body } = spec;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = nowMs();
      const fail = () => {
        errors++;
        resolve();
      };
      const req = request(
        `${target.url}${spec.path}`,
        {
          method: spec.method,
          agent,
          headers: {
            ...(body === undefined
              ? {}
              : { 'content-length': Buffer.byteLength(body) }),
            ...EDITOR,
            ...target.headers,
            ...spec.headers,
          },
        },
        (res) => {
          let first = true;
          let buffer = '';
          let seen = 0;
          if (++open === count) onAllOpen?.();
          res.setEncoding('utf8');
          res.on('data', (text: string) => {
            const at = nowMs();
            if (first) {
              ttfb.push(at - started);
              first = false;
            }
            buffer += text;
            let i: number;
            while ((i = buffer.indexOf('\n\n')) !== -1) {
              const block = buffer.slice(0, i);
              buffer = buffer.slice(i + 2);
              const match = (spec.sent ?? /"sent":([\d.]+)/).exec(block);
              if (match) {
                lags.push(at - Number(match[1]));
                seen++;
              }
            }
          });
          res.on('end', () => {
            if (res.statusCode !== 200 || seen !== events) errors++;
            resolve();
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  await Promise.all(Array.from({ length: count }, one));
  agent.destroy();
  return {
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    ttfbP99: percentile(ttfb, 99),
    errors,
  };
}
