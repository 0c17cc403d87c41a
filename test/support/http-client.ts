import { request, IncomingMessage, Agent } from 'node:http';
import { nowMs } from './fake-copilot-api';

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

/**
 * Host, port and the path exactly as written: `http.request(url)` would run the
 * URL through WHATWG parsing and remove dot segments before they reach the proxy.
 */
export function target(url: string): {
  host: string;
  port: number;
  path: string;
} {
  const match = /^http:\/\/([^/:]+):(\d+)(.*)$/.exec(url);
  if (!match) throw new Error(`not an http URL with a port: ${url}`);
  return { host: match[1], port: Number(match[2]), path: match[3] || '/' };
}

/** A plain HTTP request over a real socket, with the raw answer. */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer | string;
    agent?: Agent | false;
  } = {},
): Promise<RawResponse> {
  const headers = { ...options.headers };
  if (
    options.body !== undefined &&
    !Object.keys(headers).some((h) =>
      /^(content-length|transfer-encoding)$/i.test(h),
    )
  ) {
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target(url),
        method: options.method ?? 'GET',
        headers,
        agent: options.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface SseEvent {
  data: string;
  receivedAt: number;
}

export interface SseResult {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  /** How the body ended: `end` for a clean end, `error` for a cut connection. */
  ending: 'end' | 'error';
}

/** Reads an event stream, stamping each event with the time it was received. */
export function readSse(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    onEvent?: (e: SseEvent) => void;
  } = {},
): Promise<SseResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target(url),
        method: options.method ?? 'POST',
        headers: options.headers,
      },
      (res) => {
        const events: SseEvent[] = [];
        let buffer = '';
        let settled = false;
        const settle = (ending: 'end' | 'error'): void => {
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            events,
            ending,
          });
        };
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          const receivedAt = nowMs();
          buffer += text;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            const event = { data, receivedAt };
            events.push(event);
            options.onEvent?.(event);
          }
        });
        res.on('end', () => settle('end'));
        res.on('error', () => settle('error'));
        res.on('aborted', () => settle('error'));
        res.on('close', () => settle(res.complete ? 'end' : 'error'));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `condition` every 10 ms until it holds (or fails after `timeoutMs`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
