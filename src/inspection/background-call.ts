import type { IncomingHttpHeaders } from 'node:http';
import type { ConversationKind } from './conversation';

/** A call the client makes on its own, not on a person's turn (SPEC §12). */
export interface BackgroundCall {
  /** Why it is the agent's: the log's `initiatorReason` and the metric's `reason`. */
  reason: 'subagent' | 'title' | 'compaction' | 'thread-title';
  /** `X-Interaction-Type` for Copilot, where one applies. */
  interactionType?: 'conversation-subagent' | 'conversation-compaction';
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Recognises the background calls of the two main clients, which would otherwise
 * spend the person's premium requests:
 * - Claude Code's sub-agents: header `x-claude-code-agent-id`;
 * - its session-title calls: a Messages body with no tools and an
 *   `output_config.format` (a JSON schema for the title);
 * - Codex's compaction and thread-title calls: `x-codex-turn-metadata` (JSON)
 *   with `request_kind: "compaction"` or `thread_source: "thread_title"`;
 * - opencode's title calls: a Chat or Responses body with no tools whose system
 *   prompt begins "You are a title generator".
 */
export function backgroundCall(
  kind: ConversationKind,
  headers: IncomingHttpHeaders,
  body: unknown,
): BackgroundCall | undefined {
  const agentId = headers['x-claude-code-agent-id'];
  if (typeof agentId === 'string' && agentId.trim() !== '')
    return { reason: 'subagent', interactionType: 'conversation-subagent' };
  if (kind === 'messages' && isObject(body) && isTitleCall(body))
    return { reason: 'title' };
  if (kind !== 'messages' && isObject(body) && isTitlePrompt(kind, body))
    return { reason: 'title' };
  const metadata = codexMetadata(headers['x-codex-turn-metadata']);
  if (metadata?.request_kind === 'compaction')
    return { reason: 'compaction', interactionType: 'conversation-compaction' };
  if (metadata?.thread_source === 'thread_title')
    return { reason: 'thread-title' };
  return undefined;
}

function isTitleCall(body: Json): boolean {
  const noTools =
    body.tools === undefined ||
    (Array.isArray(body.tools) && body.tools.length === 0);
  const config = body.output_config;
  return noTools && isObject(config) && isObject(config.format);
}

const TITLE_PROMPT = /^\s*You are a title generator/;

/** opencode's title call: no tools, and its system prompt is the title generator's. */
function isTitlePrompt(kind: 'chat' | 'responses', body: Json): boolean {
  if (!(body.tools === undefined || isEmptyArray(body.tools))) return false;
  if (kind === 'responses' && typeof body.instructions === 'string')
    return TITLE_PROMPT.test(body.instructions);
  const turns = kind === 'chat' ? body.messages : body.input;
  if (!Array.isArray(turns) || !isObject(turns[0])) return false;
  const { role, content } = turns[0];
  if (role !== 'system' && role !== 'developer') return false;
  return TITLE_PROMPT.test(firstText(content));
}

const isEmptyArray = (value: unknown) =>
  Array.isArray(value) && value.length === 0;

/** A message's text: a string, or its first text part's. */
function firstText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || !isObject(content[0])) return '';
  const text = content[0].text;
  return typeof text === 'string' ? text : '';
}

function codexMetadata(
  header: string | string[] | undefined,
): Json | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
