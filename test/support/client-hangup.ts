import { IncomingMessage, request } from 'node:http';
import { target, waitFor } from './http-client';

interface Options {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** What a client that hung up mid-stream had received. */
export interface CutStream {
  status: number;
  /** The `data:` payloads of the events received whole. */
  events: string[];
}

/**
 * Reads an event stream and destroys the connection right after its `count`th
 * event (or at its end, if it has fewer), as a client that hangs up.
 */
export function hangUpAfter(
  url: string,
  count: number,
  options: Options = {},
): Promise<CutStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target(url),
        method: options.method ?? 'POST',
        headers: options.headers,
      },
      (res) => {
        const events: string[] = [];
        let buffer = '';
        const done = () => resolve({ status: res.statusCode ?? 0, events });
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          buffer += text;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            events.push(
              block
                .split('\n')
                .filter((line) => line.startsWith('data: '))
                .map((line) => line.slice(6))
                .join('\n'),
            );
            if (events.length === count) {
              req.destroy();
              return done();
            }
          }
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end(options.body);
  });
}

/**
 * Sends a request and destroys it, before any answer, once `until` holds (polled
 * every 10 ms, for up to 5 s): a client that gives up on a slow upstream.
 */
export async function hangUpWhen(
  url: string,
  until: () => boolean,
  options: Options = {},
): Promise<void> {
  let answered: IncomingMessage | undefined;
  const req = request(
    {
      ...target(url),
      method: options.method ?? 'POST',
      headers: options.headers,
    },
    (res) => (answered = res),
  );
  req.on('error', () => undefined);
  req.end(options.body);
  try {
    await waitFor(until);
  } finally {
    req.destroy();
  }
  if (answered)
    throw new Error(`answered ${answered.statusCode} before the hang-up`);
}

/** A response whose body is only counted, never kept (large answers, many at once). */
export interface CountedResponse {
  status: number;
  headers: IncomingMessage['headers'];
  bytes: number;
}

/** A request whose answer's body is counted and dropped. */
export function countedRequest(
  url: string,
  options: Options = {},
): Promise<CountedResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(
      { ...target(url), method: options.method ?? 'GET', headers },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
