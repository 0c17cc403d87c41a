/**
 * The bridge's neutral form (SPEC §11). A client request is read from its API
 * (Messages, Chat, Responses) into a `BridgeRequest` and written out in the
 * upstream's; an upstream answer is read into `BridgeAnswer` (plain) or
 * `StreamPart`s (streamed) and written out in the client's. Readers and writers
 * are pure: no I/O, no clock, no randomness except through `BridgeIds`.
 */

import type { SseEvent } from '../http/sse';

export type Json = Record<string, unknown>;

/** The three APIs Copilot serves models on. */
export type Api = 'chat' | 'messages' | 'responses';

/** Upstream paths of each API, as `/models` lists them in `supported_endpoints`. */
export const API_PATHS: Readonly<Record<Api, string>> = {
  chat: '/chat/completions',
  messages: '/v1/messages',
  responses: '/responses',
};

// ---------------------------------------------------------------- requests

export interface TextPart {
  type: 'text';
  text: string;
}

/** An image: inline base64 data, or a URL (an `https:` URL or a `data:` URL). */
export type ImagePart =
  | {
      type: 'image';
      source: 'base64';
      mediaType: string;
      data: string;
      detail?: string;
    }
  | { type: 'image'; source: 'url'; url: string; detail?: string };

/**
 * The model's reasoning from an earlier turn. Only the API that produced it can
 * take it back (Anthropic's `signature`, Responses' `encrypted_content`): writers
 * for another API leave it out and record it in `BridgeNotes.ignored`.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic `thinking.signature`. */
  signature?: string;
  /** Anthropic `redacted_thinking.data`. */
  redacted?: string;
  /** Responses `reasoning.encrypted_content`. */
  encrypted?: string;
  /** Responses reasoning item id. */
  id?: string;
}

/** A tool call the model made: the call id is kept as is across APIs and turns. */
export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as a JSON text (what Chat and Responses carry). */
  arguments: string;
  /** Responses `function_call.namespace` (Codex's grouped tools), when the call had one. */
  namespace?: string;
}

export type BridgeMessage =
  /** `system` and `developer` prompts, in place (they may come mid-conversation). */
  | { role: 'system'; kind: 'system' | 'developer'; content: TextPart[] }
  | { role: 'user'; content: Array<TextPart | ImagePart> }
  | {
      role: 'assistant';
      content: Array<TextPart | ReasoningPart | ToolCallPart>;
    }
  /** One tool result, for the call `toolCallId`. */
  | {
      role: 'tool';
      toolCallId: string;
      content: Array<TextPart | ImagePart>;
      isError?: boolean;
    };

export interface BridgeTool {
  name: string;
  /**
   * The Responses `namespace` tool this function was declared in (Codex groups
   * tools, e.g. `multi_agent_v1`); Codex routes a call by namespace and name.
   */
  namespace?: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters: Json;
  strict?: boolean;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  /** The model must call some tool (Anthropic `any`, OpenAI `required`). */
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface BridgeRequest {
  /** The model id sent upstream (already resolved). */
  model: string;
  messages: BridgeMessage[];
  tools?: BridgeTool[];
  toolChoice?: ToolChoice;
  /** False when the client forbids parallel tool calls. */
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  stream: boolean;
  /** The client asked for usage in the stream (Chat `stream_options.include_usage`). */
  includeUsage?: boolean;
  /**
   * Reasoning, where the client asked for it: an effort (OpenAI `reasoning_effort`,
   * Responses `reasoning.effort`, Anthropic `output_config.effort`) and/or a budget
   * (Anthropic `thinking.budget_tokens`); `enabled: false` turns it off.
   */
  reasoning?: {
    enabled: boolean;
    effort?: ReasoningEffort;
    budgetTokens?: number;
    /** Responses `reasoning.summary` (`auto`, `concise`, `detailed`). */
    summary?: string;
  };
  /** Structured output. */
  responseFormat?:
    | { type: 'json_schema'; name: string; schema: Json; strict?: boolean }
    | { type: 'json_object' };
  /** An end-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
}

/**
 * What a reader or writer met that it could carry no further without changing
 * what the request means. Answered 400 in the client's shape, naming the field
 * (`messages[2].content[0].type`, `n`, `tools[3]`).
 */
export class UntranslatableError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'UntranslatableError';
  }
}

/**
 * Fields left out because the other API has no place for them and leaving them
 * out changes no answer's meaning (prompt-cache hints, `store`, a hosted tool the
 * model may use but need not). Never silent: the proxy lists them in the
 * `X-Bridge-Ignored` answer header and the log line.
 */
export interface BridgeNotes {
  ignored: string[];
}

// ---------------------------------------------------------------- answers

/** Why the model stopped, in the bridge's words. */
export type FinishReason =
  | 'stop'
  /** A stop sequence matched (Anthropic says which). */
  | 'stop-sequence'
  | 'length'
  | 'tool-calls'
  | 'content-filter'
  | 'error'
  | 'other';

export interface BridgeUsage {
  /** Every input token, cached ones included (OpenAI's `prompt_tokens`). */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (part of `inputTokens`). */
  cachedInputTokens: number;
  /** Output tokens spent on reasoning (part of `outputTokens`), when reported. */
  reasoningTokens?: number;
}

export type AnswerPart = TextPart | ReasoningPart | ToolCallPart;

/** A whole (non-streamed) answer. */
export interface BridgeAnswer {
  /** The upstream's answer id (`chatcmpl-…`, `resp_…`), when it gave one. */
  id?: string;
  /** The model that served the answer, as the upstream named it. */
  model?: string;
  content: AnswerPart[];
  finishReason: FinishReason;
  /** The stop sequence that matched, when known. */
  stopSequence?: string;
  usage?: BridgeUsage;
  /** Copilot's `copilot_usage` as it came (credits), passed on to the client. */
  copilotUsage?: unknown;
}

/**
 * One step of a streamed answer. Readers emit blocks one after another: a
 * block's `*-start`, its deltas, its `*-end`, then the next block (an upstream
 * that interleaves parallel tool calls is serialised by the reader). `finish`
 * comes once, last, unless `error` ends the stream instead.
 */
export type StreamPart =
  | { type: 'start'; id?: string; model?: string; usage?: Partial<BridgeUsage> }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | {
      type: 'reasoning-end';
      id: string;
      signature?: string;
      encrypted?: string;
      /** The Responses reasoning item id paired with `encrypted` (R10). */
      itemId?: string;
    }
  | { type: 'tool-call-start'; id: string; name: string }
  | { type: 'tool-call-delta'; id: string; delta: string }
  | { type: 'tool-call-end'; id: string }
  | {
      type: 'finish';
      reason: FinishReason;
      stopSequence?: string;
      usage?: BridgeUsage;
      copilotUsage?: unknown;
    }
  /** The upstream failed mid-stream (an error event, a cut connection). */
  | { type: 'error'; message: string; code?: string; status?: number };

/** Ids for what a writer makes up (message ids, item ids); injected in tests. */
export interface BridgeIds {
  /** A new id with this prefix (`msg_`, `resp_`, `chatcmpl-`, `fc_`, …). */
  next(prefix: string): string;
  /** Unix seconds (Chat `created`, Responses `created_at`). */
  now(): number;
}

/** One server-sent event as read off the wire (the SSE parser's). */
export type { SseEvent };

/** Reads one API's streamed answer: each upstream event becomes zero or more parts. */
export interface StreamReader {
  push(event: SseEvent): StreamPart[];
  /** The upstream ended; parts still owed (a `finish` the upstream never sent). */
  end(): StreamPart[];
}

/** Writes the client API's stream: parts in, SSE text out (framed events). */
export interface StreamWriter {
  write(part: StreamPart): string;
  /**
   * The stream is over: whatever the grammar still owes the client (closing
   * events, `data: [DONE]`), or '' when `finish`/`error` already closed it.
   */
  end(): string;
}
