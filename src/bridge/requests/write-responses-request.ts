import type {
  BridgeMessage,
  BridgeNotes,
  BridgeRequest,
  ImagePart,
  Json,
  TextPart,
  ToolChoice,
} from '../ir';
import { imagePartUrl } from './image-url';
import { noteIgnored } from './notes';
import { effortForBudget } from './reasoning-budget';
import { notSupportedUpstream } from './refusal';
import { flatToolName } from './tool-names';

/** OpenAI refuses a `max_output_tokens` below 16. */
const MIN_OUTPUT_TOKENS = 16;

/**
 * Writes the body for Copilot's `/responses` (gpt-5.x-codex, newest GPT).
 *
 * - System and developer prompts stay input messages with their role, in
 *   place, rather than `instructions`: Codex itself sends them so to Copilot,
 *   several system blocks stay parts of one message, and a prompt in the middle
 *   of the conversation keeps its place.
 * - User content is `input_text`/`input_image` (base64 as a data URL, `detail`
 *   `auto` unless given); assistant text is `output_text` in an assistant
 *   `message`; each tool call a `function_call` (`call_id` = the client's id);
 *   each result a `function_call_output` whose `output` is a string, or parts
 *   when it holds images.
 * - Reasoning from earlier turns goes back only as a Responses `reasoning` item
 *   (`encrypted_content`, its id, the summary); another vendor's thinking is
 *   left out and noted as `reasoning-history`.
 * - `store: false` (the proxy keeps no upstream state) and
 *   `include: ["reasoning.encrypted_content"]` so the answer's reasoning can be
 *   sent back next turn.
 * - `reasoning.effort` from the effort, else from a thinking budget by the
 *   buckets of `reasoning-budget.ts`; `none` when reasoning is turned off;
 *   `minimal`, which Copilot refuses (R14), as `low`;
 *   `summary` as asked.
 * - Function tools go up with `strict: false` unless the client asked for
 *   strict: Responses would otherwise try strict validation, which most
 *   client schemas (Claude Code's) do not meet. Namespaced names are flattened.
 * - `user` is left out and noted: Codex never sends it to Copilot's
 *   `/responses`, so nothing shows that endpoint takes it, and Copilot knows
 *   the user by the token anyway.
 * - Stop sequences have no Responses field and change the answer: refused.
 *   `max_output_tokens` is raised to OpenAI's floor of 16 when lower. A tool
 *   result's `is_error` has no field (its text says it): noted.
 */
export function writeResponsesRequest(
  request: BridgeRequest,
  notes: BridgeNotes,
): Json {
  if (request.stop && request.stop.length > 0) {
    throw notSupportedUpstream(
      'stop',
      request.model,
      'responses',
      'stop sequences',
    );
  }
  const body: Json = {
    model: request.model,
    input: request.messages.flatMap((message) => inputItems(message, notes)),
    stream: request.stream,
    store: false,
    include: ['reasoning.encrypted_content'],
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: flatToolName(tool.name, tool.namespace),
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters,
      strict: tool.strict ?? false,
    }));
    if (request.toolChoice) body.tool_choice = toolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) {
      body.parallel_tool_calls = request.parallelToolCalls;
    }
  }
  if (request.maxOutputTokens !== undefined) {
    body.max_output_tokens = Math.max(
      request.maxOutputTokens,
      MIN_OUTPUT_TOKENS,
    );
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  const reasoning = reasoningField(request.reasoning);
  if (reasoning) body.reasoning = reasoning;
  if (request.responseFormat?.type === 'json_object') {
    body.text = { format: { type: 'json_object' } };
  } else if (request.responseFormat) {
    const { name, schema, strict } = request.responseFormat;
    body.text = {
      format: {
        type: 'json_schema',
        name,
        schema,
        ...(strict !== undefined && { strict }),
      },
    };
  }
  if (request.user !== undefined) noteIgnored(notes, 'user');
  return body;
}

function toolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool'
    ? { type: 'function', name: choice.name }
    : choice.type;
}

function reasoningField(
  reasoning: BridgeRequest['reasoning'],
): Json | undefined {
  if (!reasoning) return undefined;
  const effort = !reasoning.enabled
    ? 'none'
    : (reasoning.effort ??
      (reasoning.budgetTokens !== undefined
        ? effortForBudget(reasoning.budgetTokens)
        : undefined));
  const field: Json = {};
  // Copilot's Responses models refuse `minimal` (R14): the nearest they take.
  if (effort !== undefined)
    field.effort = effort === 'minimal' ? 'low' : effort;
  if (reasoning.summary !== undefined) field.summary = reasoning.summary;
  return Object.keys(field).length > 0 ? field : undefined;
}

function inputText(part: TextPart): Json {
  return { type: 'input_text', text: part.text };
}

function inputImage(part: ImagePart): Json {
  return {
    type: 'input_image',
    image_url: imagePartUrl(part),
    detail: part.detail ?? 'auto',
  };
}

function inputItems(message: BridgeMessage, notes: BridgeNotes): Json[] {
  switch (message.role) {
    case 'system':
      return [
        {
          type: 'message',
          role: message.kind,
          content: message.content.map(inputText),
        },
      ];
    case 'user':
      return [
        {
          type: 'message',
          role: 'user',
          content: message.content.map((part) =>
            part.type === 'text' ? inputText(part) : inputImage(part),
          ),
        },
      ];
    case 'assistant':
      return assistantItems(message.content, notes);
    case 'tool': {
      if (message.isError) noteIgnored(notes, 'is_error');
      const texts = message.content.filter(
        (part): part is TextPart => part.type === 'text',
      );
      return [
        {
          type: 'function_call_output',
          call_id: message.toolCallId,
          output:
            texts.length === message.content.length
              ? texts.map((part) => part.text).join('\n\n')
              : message.content.map((part) =>
                  part.type === 'text' ? inputText(part) : inputImage(part),
                ),
        },
      ];
    }
  }
}

/** Text runs become assistant messages; calls and reasoning items keep their order. */
function assistantItems(
  content: Extract<BridgeMessage, { role: 'assistant' }>['content'],
  notes: BridgeNotes,
): Json[] {
  const items: Json[] = [];
  let text: Json[] = [];
  const flush = () => {
    if (text.length === 0) return;
    items.push({ type: 'message', role: 'assistant', content: text });
    text = [];
  };
  for (const part of content) {
    switch (part.type) {
      case 'text':
        text.push({ type: 'output_text', text: part.text });
        break;
      case 'tool-call':
        flush();
        items.push({
          type: 'function_call',
          call_id: part.id,
          name: flatToolName(part.name, part.namespace),
          arguments: part.arguments.trim() === '' ? '{}' : part.arguments,
        });
        break;
      case 'reasoning':
        if (part.encrypted === undefined) {
          noteIgnored(notes, 'reasoning-history');
          break;
        }
        flush();
        items.push({
          type: 'reasoning',
          ...(part.id !== undefined && { id: part.id }),
          summary: part.text ? [{ type: 'summary_text', text: part.text }] : [],
          encrypted_content: part.encrypted,
        });
        break;
    }
  }
  flush();
  return items;
}
