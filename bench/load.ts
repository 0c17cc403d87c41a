import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { nowMs } from '../test/support/fake-http';

/** One of the two proxies measured, both in front of the same fake. */
export interface Target {
  name: 'proxy' | 'floor';
  url: string;
  proc: ChildProcess;
}

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
 * `POST /chat/completions` with `body` at 32 connections, for `seconds` or for
 * `amount` requests in all.
 */
export async function postChat(
  target: Target,
  body: string,
  run: { seconds: number } | { amount: number },
) {
  const result = await autocannon({
    url: `${target.url}/chat/completions`,
    method: 'POST',
    connections: 32,
    ...('seconds' in run ? { duration: run.seconds } : { amount: run.amount }),
    headers: { 'content-type': 'application/json', ...EDITOR },
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
export async function streams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
  onAllOpen?: () => void,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const lags: number[] = [];
  const ttfb: number[] = [];
  let errors = 0;
  let open = 0;
  const body = JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const one = () =>
    new Promise<void>((resolve) => {
      const started = nowMs();
      const fail = () => {
        errors++;
        resolve();
      };
      const req = request(
        `${target.url}/chat/completions`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...EDITOR,
            'x-fake-events': String(events),
            'x-fake-interval-ms': String(intervalMs),
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
              const match = /"sent":([\d.]+)/.exec(block);
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
