import {
  anthropicError,
  bareError,
  claudeVersion,
  copilotError,
  extraInputs,
  headerList,
  isObject,
  Json,
  list,
  Refusal,
  StrictRequest,
} from './strict-refusals';
import { COUNT_TOKENS, MESSAGES, StrictRule } from './strict-rule';

/**
 * The `anthropic-beta` values Copilot takes (M1: VS Code's set, and
 * `extended-cache-ttl` that a newer peer forwards).
 */
export const ALLOWED_BETAS = [
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'advanced-tool-use-2025-11-20',
  'extended-cache-ttl-2025-04-11',
];

/** The reserved billing line Claude Code puts in its system prompt (C4). */
export const BILLING_HEADER = 'x-anthropic-billing-header';

/** Copilot's refusal of the billing line (C4), on chat and messages alike. */
export const BILLING_REFUSAL = (): Refusal =>
  copilotError(
    'x-anthropic-billing-header is a reserved keyword and may not be used in the system prompt.',
  );

/** Slots that refuse a top-level `cache_control` (M4) and, opted in, `ttl` (M3): Claude below 4.6, and sonnet-4.6. */
function olderSlot(model: string): boolean {
  const version = claudeVersion(model) ?? 99;
  return version < 4.6 || model.startsWith('claude-sonnet-4.6');
}

/** Every `cache_control` of a body with its validator path (`system.1`, `tools.0.custom`, `messages.2.content.0.text`). */
function cacheControls(body: Json): Array<[string, Json]> {
  const found: Array<[string, Json]> = [];
  const add = (path: string, holder: Json): void => {
    if (isObject(holder.cache_control))
      found.push([`${path}.cache_control`, holder.cache_control]);
  };
  list(body.system).forEach((block, i) => add(`system.${i}`, block));
  list(body.tools).forEach((tool, i) =>
    add(
      `tools.${i}.${typeof tool.type === 'string' ? tool.type : 'custom'}`,
      tool,
    ),
  );
  list(body.messages).forEach((message, i) =>
    list(message.content).forEach((block, j) =>
      add(`messages.${i}.content.${j}.${String(block.type)}`, block),
    ),
  );
  return found;
}

/** The first `cache_control` with `field` (`scope`, `ttl`) → its `Extra inputs` refusal. */
function cacheControlWith(body: Json, field: string): Refusal | undefined {
  const hit = cacheControls(body).find(([, cc]) => field in cc);
  if (!hit) return undefined;
  const [path, cc] = hit;
  return extraInputs(`${path}.${String(cc.type)}.${field}`);
}

/** The text of a `system` (a string or text blocks). */
function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return list(system)
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join('\n');
}

const betasOf = (request: StrictRequest): string[] =>
  headerList(request.headers['anthropic-beta']);

/** `/v1/messages` rules (catalogue §3); count_tokens keeps only M1 (T1, T2). */
export const MESSAGES_RULES: StrictRule[] = [
  {
    // M1: unknown `anthropic-beta` values (Vertex's wording).
    id: 'm1',
    paths: [MESSAGES, COUNT_TOKENS],
    check: (request) => {
      const unknown = betasOf(request).filter(
        (b) => !ALLOWED_BETAS.includes(b),
      );
      if (unknown.length === 0) return undefined;
      const values = unknown.map((b) => `\`${b}\``).join(', ');
      return anthropicError(
        `Unexpected value(s) ${values} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`,
      );
    },
  },
  {
    // M2: `cache_control.scope` anywhere.
    id: 'm2',
    paths: [MESSAGES],
    check: ({ body }) => cacheControlWith(body, 'scope'),
  },
  {
    // M3 (§10, opt-in): `cache_control.ttl` on older slots without `extended-cache-ttl`.
    id: 'm3',
    paths: [MESSAGES],
    optIn: true,
    check: (request) =>
      olderSlot(request.model) &&
      !betasOf(request).includes('extended-cache-ttl-2025-04-11')
        ? cacheControlWith(request.body, 'ttl')
        : undefined,
  },
  {
    // M4: a top-level `cache_control` on older slots.
    id: 'm4',
    paths: [MESSAGES],
    check: ({ body, model }) =>
      'cache_control' in body && olderSlot(model)
        ? extraInputs('cache_control')
        : undefined,
  },
  {
    // M5: `cache_control` inside `tool_result.content`.
    id: 'm5',
    paths: [MESSAGES],
    check: ({ body }) => {
      const messages = list(body.messages);
      for (let i = 0; i < messages.length; i++) {
        const blocks = list(messages[i].content);
        for (let j = 0; j < blocks.length; j++) {
          if (blocks[j].type !== 'tool_result') continue;
          const inner = Array.isArray(blocks[j].content)
            ? (blocks[j].content as unknown[])
            : [];
          const k = inner.findIndex((b) => isObject(b) && 'cache_control' in b);
          if (k !== -1)
            return bareError(
              `messages.${i}.content.${j}.tool_result.content.${k}.cache_control: cache_control may not be specified within \`tool_result.content\`. Instead, place it directly on \`tool_result\``,
            );
        }
      }
      return undefined;
    },
  },
  {
    // M6: per-tool `eager_input_streaming`.
    id: 'm6',
    paths: [MESSAGES],
    check: ({ body }) => {
      const i = list(body.tools).findIndex((t) => 'eager_input_streaming' in t);
      return i === -1
        ? undefined
        : extraInputs(`tools.${i}.custom.eager_input_streaming`);
    },
  },
  {
    // M7: `context_management` without `context-management-2025-06-27`.
    id: 'm7',
    paths: [MESSAGES],
    check: (request) =>
      request.body.context_management != null &&
      !betasOf(request).includes('context-management-2025-06-27')
        ? extraInputs('context_management')
        : undefined,
  },
  {
    // C4 on native messages: the billing line in `system`.
    id: 'c4',
    paths: [MESSAGES],
    check: ({ body }) =>
      systemText(body.system).includes(BILLING_HEADER)
        ? BILLING_REFUSAL()
        : undefined,
  },
  {
    // M9: an inline `role: "system"` message on Claude below 4.8 (Vertex's wording).
    id: 'm9',
    paths: [MESSAGES],
    check: ({ body, model }) => {
      if ((claudeVersion(model) ?? 99) >= 4.8) return undefined;
      const i = list(body.messages).findIndex((m) => m.role === 'system');
      return i === -1
        ? undefined
        : anthropicError(
            `messages.${i}.role: Unexpected role "system". The Anthropic Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`,
          );
    },
  },
  {
    // M10: a thinking block whose `thinking` is null or missing, or has no signature.
    id: 'm10',
    paths: [MESSAGES],
    check: ({ body }) =>
      eachHistoryBlock(body, (block, at) => {
        if (block.type !== 'thinking') return undefined;
        if (!('thinking' in block))
          return bareError(`${at}.thinking.thinking: Field required`);
        if (typeof block.thinking !== 'string')
          return bareError(
            `${at}.thinking.thinking: Input should be a valid string`,
          );
        if (!('signature' in block))
          return bareError(`${at}.thinking.signature: Field required`);
        return undefined;
      }),
  },
  {
    // M10: a signature (or `redacted_thinking.data`) the fake did not issue.
    id: 'm10-signature',
    paths: [MESSAGES],
    check: ({ body }, ledger) =>
      eachHistoryBlock(body, (block, at) => {
        if (block.type === 'thinking' && typeof block.signature === 'string')
          return ledger.find(block.signature)
            ? undefined
            : copilotError(`${at}: Invalid signature in thinking block`);
        if (block.type === 'redacted_thinking' && !ledger.find(block.data))
          return copilotError(
            `${at}: Invalid \`data\` in \`redacted_thinking\` block`,
          );
        return undefined;
      }),
  },
  {
    // M11: adaptive thinking with `budget_tokens`.
    id: 'm11',
    paths: [MESSAGES],
    check: ({ body }) =>
      isObject(body.thinking) &&
      body.thinking.type === 'adaptive' &&
      'budget_tokens' in body.thinking
        ? extraInputs('thinking.adaptive.budget_tokens')
        : undefined,
  },
  {
    // M15: `speed` (Fast Mode is a model id).
    id: 'm15',
    paths: [MESSAGES],
    check: ({ body }) => ('speed' in body ? extraInputs('speed') : undefined),
  },
  {
    // M16: `inference_geo`.
    id: 'm16',
    paths: [MESSAGES],
    check: ({ body }) =>
      'inference_geo' in body ? extraInputs('inference_geo') : undefined,
  },
  {
    // M17: the advisor tool at generation (count_tokens takes it). Wording inferred.
    id: 'm17',
    paths: [MESSAGES],
    check: ({ body }) => {
      const i = list(body.tools).findIndex(
        (t) => t.type === 'advisor_20260301',
      );
      return i === -1
        ? undefined
        : bareError(
            `tools.${i}: Input tag 'advisor_20260301' found using 'type' does not match any of the expected tags`,
          );
    },
  },
  {
    // M18: a trailing assistant message (prefill). Wording: Anthropic's.
    id: 'm18',
    paths: [MESSAGES],
    check: ({ body }) =>
      list(body.messages).at(-1)?.role === 'assistant'
        ? anthropicError(
            'This model does not support assistant message prefill. The conversation must end with a user message.',
          )
        : undefined,
  },
];

/** The first refusal `test` gives a content block of an assistant message, with its path `messages.i.content.j`. */
function eachHistoryBlock(
  body: Json,
  test: (block: Json, at: string) => Refusal | undefined,
): Refusal | undefined {
  const messages = list(body.messages);
  for (let i = 0; i < messages.length; i++) {
    if (messages[i].role !== 'assistant') continue;
    const blocks = list(messages[i].content);
    for (let j = 0; j < blocks.length; j++) {
      const refusal = test(blocks[j], `messages.${i}.content.${j}`);
      if (refusal) return refusal;
    }
  }
  return undefined;
}
