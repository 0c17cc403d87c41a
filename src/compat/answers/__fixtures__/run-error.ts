import type { ServerResponse } from 'node:http';
import type { PipeTransform } from '../../../http/stream-pipe';
import type { ErrorRule } from '../error-answer';
import { holdError } from '../hold-error';

export interface ErrorRun {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  applied: string[];
}

/** An upstream error answer passed through `rules` as the relay would: what the client gets. */
export function runError(
  rules: readonly ErrorRule[],
  upstream: {
    status: number;
    body: string;
    contentType?: string;
    anthropic?: boolean;
    model?: string;
    served?: readonly string[];
    inner?: PipeTransform;
  },
): ErrorRun {
  const contentType = upstream.contentType ?? 'text/plain; charset=utf-8';
  const headers: Record<string, string | string[]> = {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(upstream.body)),
    'x-github-request-id': 'ABCD:1234',
  };
  const written: { status?: number } = {};
  const res = { headersSent: false } as { headersSent: boolean };
  const fakeRes = Object.assign(res, {
    writeHead(status: number) {
      written.status = status;
      res.headersSent = true;
    },
  }) as unknown as ServerResponse;
  const applied: string[] = [];
  const served = upstream.served;
  const transform = holdError({
    status: upstream.status,
    contentType,
    headers,
    res: fakeRes,
    rules,
    served: {
      lists: (id) => (served ? served.includes(id) : undefined),
      ids: () => served ?? [],
    },
    anthropic: upstream.anthropic ?? false,
    model: upstream.model,
    account: 'acct',
    note: (names) => {
      applied.push(...names);
      return applied.join(',');
    },
    inner: upstream.inner,
  });
  const bytes = Buffer.from(upstream.body);
  const parts = [
    transform.chunk(bytes.subarray(0, 5)),
    transform.chunk(bytes.subarray(5)),
    transform.end(),
  ];
  return {
    status: written.status ?? -1,
    headers,
    body: parts.map((p) => p.toString()).join(''),
    applied,
  };
}
