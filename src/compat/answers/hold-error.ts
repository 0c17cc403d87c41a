import type { ServerResponse } from 'node:http';
import { deleteHeader } from '../../http/header-policy';
import type { PipeTransform } from '../../http/stream-pipe';
import { readUpstreamError } from '../../errors/upstream-error';
import {
  rewrittenBody,
  type ErrorAnswer,
  type ErrorRule,
  type ServedModels,
} from './error-answer';

/** An error body larger than this is not held: it passes as it came. */
export const MAX_ERROR_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/** What one held error answer needs to know. */
export interface HeldErrorInput {
  status: number;
  contentType: string | undefined;
  /** The client's headers (written with the body at its end). */
  headers: Record<string, string | string[]>;
  res: ServerResponse;
  rules: readonly ErrorRule[];
  served: ServedModels;
  anthropic: boolean;
  model: string | undefined;
  account: string | undefined;
  /** Names the rules that changed the answer; returns the adjustments header value. */
  note(names: string[]): string;
  /** The bridge's transform of a translated answer: it writes the client's answer. */
  inner?: PipeTransform;
}

/**
 * An upstream error answer held whole (they are small), so the error rules can
 * read it, then written once: Copilot's bytes when no rule changed the error,
 * else the error anew in the client's shape — with its head at the end (the
 * status and content type may change). Past `MAX_ERROR_BYTES` it passes as it came.
 */
export function holdError(input: HeldErrorInput): PipeTransform {
  const { inner, res, headers } = input;
  const chunks: Buffer[] = [];
  let size = 0;
  let passing = false;
  const pass = (bytes: Buffer): string | Buffer => {
    if (inner) return inner.chunk(bytes);
    return head(res, input.status, headers) ? bytes : EMPTY;
  };
  return {
    chunk(chunk) {
      if (passing) return pass(chunk);
      if (size + chunk.length <= MAX_ERROR_BYTES) {
        chunks.push(chunk);
        size += chunk.length;
        return EMPTY;
      }
      passing = true;
      return pass(Buffer.concat([...chunks, chunk]));
    },
    end() {
      if (passing) return inner ? inner.end() : EMPTY;
      const body = Buffer.concat(chunks, size);
      const answer = errorAnswer(input, body);
      const applied = input.rules
        .filter(
          (rule) =>
            (!inner || rule.translated) && rule.apply(answer, input.served),
        )
        .map((rule) => rule.name);
      const out = answer.rewritten ? Buffer.from(rewrittenBody(answer)) : body;
      if (applied.length > 0) {
        headers['X-Copilot-Adjusted'] = input.note(applied);
        Object.assign(headers, answer.headers);
      }
      if (inner) {
        const first = inner.chunk(out);
        const last = inner.end();
        return typeof first === 'string' && typeof last === 'string'
          ? first + last
          : Buffer.concat([Buffer.from(first), Buffer.from(last)]);
      }
      if (answer.rewritten || answer.jsonType) {
        deleteHeader(headers, 'content-type');
        headers['Content-Type'] = 'application/json; charset=utf-8';
      }
      deleteHeader(headers, 'content-length');
      headers['Content-Length'] = String(out.length);
      return head(res, answer.status, headers) ? out : EMPTY;
    },
    fail(outcome) {
      return inner?.fail(outcome);
    },
  };
}

/** Writes the head once; a head Node refuses ends the connection (never a throw in the pipe). */
function head(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
): boolean {
  if (res.headersSent) return true;
  try {
    res.writeHead(status, headers);
    return true;
  } catch {
    res.destroy();
    return false;
  }
}

function errorAnswer(input: HeldErrorInput, body: Buffer): ErrorAnswer {
  const upstream = readUpstreamError(body, input.contentType);
  return {
    status: input.status,
    anthropic: input.anthropic,
    translated: input.inner !== undefined,
    model: input.model,
    account: input.account,
    contentType: input.contentType,
    upstream,
    message: upstream.message,
    code: upstream.code,
    rewritten: false,
    jsonType: false,
    headers: {},
  };
}
