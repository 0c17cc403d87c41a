import { STATUS_CODES } from 'node:http';
import { anthropicErrorType } from '../../errors/anthropic-error-type';
import { anthropicErrorJson, openAiErrorJson } from '../../errors/error-writer';
import type { UpstreamError } from '../../errors/upstream-error';

/** An upstream error answer on its way to the client, as the error rules see it. */
export interface ErrorAnswer {
  status: number;
  /** The client reads Anthropic's shape (`/v1/messages` and below). */
  readonly anthropic: boolean;
  /** The bridge writes the client's answer from this one (in the OpenAI shape). */
  readonly translated: boolean;
  /** The model id sent upstream. */
  readonly model: string | undefined;
  /** The Copilot account that answered. */
  readonly account: string | undefined;
  readonly contentType: string | undefined;
  /** What Copilot said. */
  readonly upstream: UpstreamError;
  /** The message and code to write (Copilot's until a rule changes them). */
  message: string | undefined;
  code: string | undefined;
  /** The error `type` a rule chose for the client's shape. */
  type?: string;
  /** A rule changed the error: its body is written anew, in the client's shape. */
  rewritten: boolean;
  /** The body goes out labelled `application/json` (it is JSON). */
  jsonType: boolean;
  /** Headers a rule adds to the client's answer. */
  readonly headers: Record<string, string>;
}

/** What the account serves, for rules that name models (listed ids). */
export interface ServedModels {
  /** Whether the account lists `id`; undefined while the list is unknown. */
  lists(id: string): boolean | undefined;
  ids(): readonly string[];
}

/** One answer rule acting on an error answer held whole. */
export interface ErrorRule {
  /** The catalogue id (`COMPAT_RULES`). */
  id: string;
  /** What `X-Copilot-Adjusted` and the metric call it. */
  name: string;
  /** Applies to translated answers too (the bridge then writes the client's shape). */
  translated?: boolean;
  /** Makes its change; true when it changed something. */
  apply(answer: ErrorAnswer, served: ServedModels): boolean;
}

/** The body of a rewritten error: the client's shape, or OpenAI's for the bridge to read. */
export function rewrittenBody(answer: ErrorAnswer): string {
  const { status, upstream } = answer;
  const message =
    answer.message ?? STATUS_CODES[status] ?? `Upstream error ${status}`;
  if (answer.anthropic && !answer.translated) {
    const type =
      answer.type ??
      (upstream.anthropic ? upstream.type : undefined) ??
      anthropicErrorType(status);
    return anthropicErrorJson(type, message, upstream.requestId);
  }
  const type =
    answer.type ??
    upstream.type ??
    (status < 500 ? 'invalid_request_error' : 'server_error');
  return openAiErrorJson(
    message,
    type,
    answer.code ?? null,
    upstream.param ?? null,
  );
}
