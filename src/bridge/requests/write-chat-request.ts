import type {
  BridgeMessage,
  BridgeNotes,
  BridgeRequest,
  ImagePart,
  Json,
  TextPart,
  ToolChoice,
} from '../ir';
import { writeReasoningHistory } from './chat/write-chat-reasoning';
import { imagePartUrl } from './image-url';
import { noteIgnored } from './notes';
import {
  budgetForEffort,
  chatThinkingBudget,
  effortForBudget,
} from './reasoning-budget';
import { withProperties } from './tool-parameters';
import { flatToolName } from './tool-names';

/** Copilot serves Claude on its chat API with Anthropic's thinking underneath. */
const CLAUDE = /^claude/i;
/** GPT-5 family and o-series take `max_completion_tokens`, never `max_tokens` (C1). */
const MAX_COMPLETION_TOKENS = /^(gpt-5|o\d)/i;
/** Chat-only GPT models that take no reasoning parameter. */
const NO_REASONING = /^gpt-(3|4)/i;

const JOIN = '\n\n';

/**
 * Writes the body for Copilot's `/chat/completions` (Claude, Gemini, older GPT).
 *
 * - System prompts: the leading run of system/developer messages becomes ONE
 *   `system` message, blocks joined by a blank line: Anthropic takes a single
 *   system prompt, the public proxies that drive Claude through this endpoint
 *   send exactly one, and `developer` is not a role every chat model takes. A system message later in the conversation
 *   (Claude Code's mid-conversation reminders) goes as a `user` message in
 *   place: Copilot's chat backend does not act on a mid-conversation `system`
 *   entry (caozhiyuan/copilot-api#364), so this is the form that reaches the
 *   model.
 * - Images: `image_url` parts, base64 as data URLs. Tool messages take text
 *   only: images of the tool results of a turn follow the turn's tool messages
 *   in one `user` message, each under a line naming its call id; a tool result
 *   that was only images says so in its text.
 * - Reasoning from earlier turns: `reasoning_text` + `reasoning_opaque` for
 *   Claude and Gemini (`chat/write-chat-reasoning.ts`).
 * - `max_completion_tokens` for GPT-5 and o-series models, which refuse
 *   `max_tokens` (C1); `max_tokens` for the others.
 * - A tool's `parameters` always has `properties` (C13).
 * - Reasoning asked for: Claude takes `thinking_budget` (a budget, or an effort
 *   mapped with `budgetForEffort`), clamped as `chatThinkingBudget`; GPT-3/4
 *   models take none (noted as `reasoning`); others take `reasoning_effort`
 *   (`none` when turned off, a budget mapped with `effortForBudget`). The
 *   Responses-only `reasoning.summary` has no Chat field: Copilot's chat
 *   answers carry `reasoning_text` where the model reasons.
 * - `stream_options.include_usage` is always on when streaming: the proxy
 *   meters usage from the stream.
 * - `is_error` of a tool result has no Chat field (the text says it): noted.
 * - Tool names of Codex namespaces are flattened (`tool-names.ts`).
 */
export function writeChatRequest(
  request: BridgeRequest,
  notes: BridgeNotes,
): Json {
  const claude = CLAUDE.test(request.model);
  const body: Json = {
    model: request.model,
    messages: writeMessages(request.messages, request.model, notes),
    stream: request.stream,
  };
  if (request.stream) body.stream_options = { include_usage: true };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: flatToolName(tool.name, tool.namespace),
        ...(tool.description !== undefined && {
          description: tool.description,
        }),
        parameters: withProperties(tool.parameters),
        ...(tool.strict === true && { strict: true }),
      },
    }));
    if (request.toolChoice) body.tool_choice = toolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) {
      body.parallel_tool_calls = request.parallelToolCalls;
    }
  }
  if (request.maxOutputTokens !== undefined) {
    const field = MAX_COMPLETION_TOKENS.test(request.model)
      ? 'max_completion_tokens'
      : 'max_tokens';
    body[field] = request.maxOutputTokens;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  Object.assign(body, reasoning(request, claude, notes));
  if (request.responseFormat?.type === 'json_object') {
    body.response_format = { type: 'json_object' };
  } else if (request.responseFormat) {
    const { name, schema, strict } = request.responseFormat;
    body.response_format = {
      type: 'json_schema',
      json_schema: { name, schema, ...(strict !== undefined && { strict }) },
    };
  }
  if (request.user !== undefined) body.user = request.user;
  return body;
}

function toolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool'
    ? { type: 'function', function: { name: choice.name } }
    : choice.type;
}

function reasoning(
  request: BridgeRequest,
  claude: boolean,
  notes: BridgeNotes,
): Json {
  const asked = request.reasoning;
  if (!asked) return {};
  if (claude) {
    if (!asked.enabled) return {};
    const budget =
      asked.budgetTokens ??
      (asked.effort !== undefined ? budgetForEffort(asked.effort) : undefined);
    if (budget === undefined) return {};
    const thinkingBudget = chatThinkingBudget(budget, request.maxOutputTokens);
    if (thinkingBudget === undefined) {
      noteIgnored(notes, 'reasoning');
      return {};
    }
    return { thinking_budget: thinkingBudget };
  }
  if (!asked.enabled) {
    return NO_REASONING.test(request.model) ? {} : { reasoning_effort: 'none' };
  }
  const effort =
    asked.effort ??
    (asked.budgetTokens !== undefined
      ? effortForBudget(asked.budgetTokens)
      : undefined);
  if (effort === undefined) return {};
  if (NO_REASONING.test(request.model)) {
    noteIgnored(notes, 'reasoning');
    return {};
  }
  return { reasoning_effort: effort };
}

function joinText(parts: ReadonlyArray<{ type: string }>): string {
  return parts
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join(JOIN);
}

function userContent(parts: Array<TextPart | ImagePart>): string | Json[] {
  if (parts.length === 1 && parts[0].type === 'text') return parts[0].text;
  return parts.map((part) =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : imageUrlPart(part),
  );
}

function imageUrlPart(part: ImagePart): Json {
  return {
    type: 'image_url',
    image_url: {
      url: imagePartUrl(part),
      ...(part.detail !== undefined && { detail: part.detail }),
    },
  };
}

function writeMessages(
  messages: BridgeMessage[],
  model: string,
  notes: BridgeNotes,
): Json[] {
  const out: Json[] = [];
  let start = 0;
  while (messages[start]?.role === 'system') start += 1;
  if (start > 0) {
    out.push({
      role: 'system',
      content: messages
        .slice(0, start)
        .map((message) => joinText(message.content))
        .join(JOIN),
    });
  }
  let toolImages: Array<{ id: string; images: ImagePart[] }> = [];
  const flushToolImages = () => {
    if (toolImages.length === 0) return;
    out.push({
      role: 'user',
      content: toolImages.flatMap(({ id, images }) => [
        { type: 'text', text: `Images returned by tool call ${id}:` },
        ...images.map(imageUrlPart),
      ]),
    });
    toolImages = [];
  };
  for (const message of messages.slice(start)) {
    if (message.role !== 'tool') flushToolImages();
    switch (message.role) {
      case 'system':
        out.push({ role: 'user', content: joinText(message.content) });
        break;
      case 'user':
        out.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant':
        out.push(assistantMessage(message.content, model, notes));
        break;
      case 'tool': {
        const images = message.content.filter(
          (part): part is ImagePart => part.type === 'image',
        );
        let text = joinText(message.content);
        if (images.length > 0) {
          toolImages.push({ id: message.toolCallId, images });
          if (text === '')
            text = 'The result is the image(s) in the next message.';
        }
        if (message.isError) noteIgnored(notes, 'is_error');
        out.push({
          role: 'tool',
          tool_call_id: message.toolCallId,
          content: text,
        });
        break;
      }
    }
  }
  flushToolImages();
  return out;
}

function assistantMessage(
  content: Extract<BridgeMessage, { role: 'assistant' }>['content'],
  model: string,
  notes: BridgeNotes,
): Json {
  const calls = content.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.id,
            type: 'function',
            function: {
              name: flatToolName(part.name, part.namespace),
              arguments: part.arguments.trim() === '' ? '{}' : part.arguments,
            },
          },
        ]
      : [],
  );
  const text = joinText(content);
  const message: Json = {
    role: 'assistant',
    content: text === '' && calls.length > 0 ? null : text,
  };
  if (calls.length > 0) message.tool_calls = calls;
  writeReasoningHistory(message, content, model, notes);
  return message;
}
