/** `capabilities.limits.vision` of the models that take images. */
const VISION_LIMITS = {
  max_prompt_image_size: 3145728,
  max_prompt_images: 5,
  supported_media_types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
};

/** One entry of `GET /models`, as far as the fake reads it. */
export interface FakeModel {
  id: string;
  billing: { is_premium: boolean; multiplier: number };
  /** Absent: the model is served on `/chat/completions` only. */
  supported_endpoints?: string[];
  [field: string]: unknown;
}

interface Limits {
  max_context_window_tokens: number;
  max_output_tokens: number;
  max_prompt_tokens: number;
}

/** A Claude model as `/models` lists it: premium, `/chat/completions` and `/v1/messages`. */
export function claude(
  id: string,
  name: string,
  multiplier: number,
  limits: Limits,
): FakeModel {
  return {
    id,
    name,
    object: 'model',
    vendor: 'Anthropic',
    version: id,
    preview: false,
    model_picker_enabled: true,
    billing: { is_premium: true, multiplier },
    policy: { state: 'enabled' },
    capabilities: {
      family: id,
      object: 'model_capabilities',
      type: 'chat',
      tokenizer: 'o200k_base',
      limits: { ...limits, vision: VISION_LIMITS },
      supports: {
        tool_calls: true,
        parallel_tool_calls: true,
        streaming: true,
        vision: true,
      },
    },
    supported_endpoints: ['/chat/completions', '/v1/messages'],
  };
}

/** A GPT-5 model: reasoning effort, structured outputs, vision; `endpoints` as given. */
export function gpt5(
  id: string,
  name: string,
  billing: FakeModel['billing'],
  endpoints: string[],
  limits: Limits,
): FakeModel {
  return {
    id,
    name,
    object: 'model',
    vendor: 'OpenAI',
    version: id,
    preview: false,
    model_picker_enabled: true,
    billing,
    policy: { state: 'enabled' },
    capabilities: {
      family: id,
      object: 'model_capabilities',
      type: 'chat',
      tokenizer: 'o200k_base',
      limits: { ...limits, vision: VISION_LIMITS },
      supports: {
        tool_calls: true,
        parallel_tool_calls: true,
        streaming: true,
        structured_outputs: true,
        vision: true,
        reasoning_effort: ['low', 'medium', 'high'],
      },
    },
    supported_endpoints: endpoints,
  };
}

/**
 * `GET /models`: the account's models in the API's shape, `{object: "list", data:
 * [{id, name, vendor, version, preview, model_picker_enabled, billing: {is_premium,
 * multiplier}, policy?: {state}, capabilities: {family, type, tokenizer, limits:
 * {max_context_window_tokens, max_output_tokens, max_prompt_tokens, vision?},
 * supports}, supported_endpoints?}]}`, in this order:
 *
 * | id | billing | `supported_endpoints` |
 * |---|---|---|
 * | `gpt-4o` | not premium, ×1, no `policy` | chat |
 * | `claude-sonnet-4` | premium ×1 | chat, messages |
 * | `claude-opus-4` | premium ×10 | chat, messages |
 * | `claude-haiku-4.5` | premium ×0.33 | chat, messages |
 * | `gpt-4.1` | not premium, ×0 | chat, responses |
 * | `gemini-2.5-pro` | premium ×1 | field absent (chat only) |
 * | `gpt-5.1-codex` | premium ×1 | responses only |
 * | `gpt-5-mini` | not premium, ×0 | chat, responses, messages |
 * | `claude-sonnet-4.5` | premium ×1 | chat, messages |
 * | `claude-opus-4.6` | premium ×10 | chat, messages |
 *
 * (chat = `/chat/completions`, responses = `/responses`, messages = `/v1/messages`.)
 */
export const MODELS: { object: 'list'; data: FakeModel[] } = {
  object: 'list',
  data: [
    {
      id: 'gpt-4o',
      name: 'GPT-4o',
      vendor: 'Azure OpenAI',
      version: 'gpt-4o-2024-11-20',
      preview: false,
      model_picker_enabled: true,
      billing: { is_premium: false, multiplier: 1 },
      capabilities: {
        family: 'gpt-4o',
        type: 'chat',
        tokenizer: 'o200k_base',
        limits: {
          max_context_window_tokens: 128000,
          max_output_tokens: 4096,
          max_prompt_tokens: 64000,
        },
        supports: {
          tool_calls: true,
          parallel_tool_calls: true,
          streaming: true,
        },
      },
      supported_endpoints: ['/chat/completions'],
    },
    claude('claude-sonnet-4', 'Claude Sonnet 4', 1, {
      max_context_window_tokens: 216000,
      max_output_tokens: 16000,
      max_prompt_tokens: 128000,
    }),
    claude('claude-opus-4', 'Claude Opus 4', 10, {
      max_context_window_tokens: 80000,
      max_output_tokens: 16000,
      max_prompt_tokens: 80000,
    }),
    claude('claude-haiku-4.5', 'Claude Haiku 4.5', 0.33, {
      max_context_window_tokens: 144000,
      max_output_tokens: 16000,
      max_prompt_tokens: 128000,
    }),
    {
      id: 'gpt-4.1',
      name: 'GPT-4.1',
      object: 'model',
      vendor: 'Azure OpenAI',
      version: 'gpt-4.1-2025-04-14',
      preview: false,
      model_picker_enabled: true,
      billing: { is_premium: false, multiplier: 0 },
      policy: { state: 'enabled' },
      capabilities: {
        family: 'gpt-4.1',
        object: 'model_capabilities',
        type: 'chat',
        tokenizer: 'o200k_base',
        limits: {
          max_context_window_tokens: 128000,
          max_output_tokens: 16384,
          max_prompt_tokens: 128000,
          vision: VISION_LIMITS,
        },
        supports: {
          tool_calls: true,
          parallel_tool_calls: true,
          streaming: true,
          structured_outputs: true,
          vision: true,
        },
      },
      supported_endpoints: ['/chat/completions', '/responses'],
    },
    {
      id: 'gemini-2.5-pro',
      name: 'Gemini 2.5 Pro',
      object: 'model',
      vendor: 'Google',
      version: 'gemini-2.5-pro',
      preview: false,
      model_picker_enabled: true,
      billing: { is_premium: true, multiplier: 1 },
      policy: { state: 'enabled' },
      capabilities: {
        family: 'gemini-2.5-pro',
        object: 'model_capabilities',
        type: 'chat',
        tokenizer: 'o200k_base',
        limits: {
          max_context_window_tokens: 128000,
          max_output_tokens: 64000,
          max_prompt_tokens: 128000,
          vision: VISION_LIMITS,
        },
        supports: {
          tool_calls: true,
          parallel_tool_calls: true,
          streaming: true,
          vision: true,
        },
      },
    },
    gpt5(
      'gpt-5.1-codex',
      'GPT-5.1-Codex',
      { is_premium: true, multiplier: 1 },
      ['/responses'],
      {
        max_context_window_tokens: 400000,
        max_output_tokens: 128000,
        max_prompt_tokens: 128000,
      },
    ),
    gpt5(
      'gpt-5-mini',
      'GPT-5 mini',
      { is_premium: false, multiplier: 0 },
      ['/chat/completions', '/responses', '/v1/messages'],
      {
        max_context_window_tokens: 264000,
        max_output_tokens: 64000,
        max_prompt_tokens: 128000,
      },
    ),
    claude('claude-sonnet-4.5', 'Claude Sonnet 4.5', 1, {
      max_context_window_tokens: 144000,
      max_output_tokens: 16000,
      max_prompt_tokens: 128000,
    }),
    claude('claude-opus-4.6', 'Claude Opus 4.6', 10, {
      max_context_window_tokens: 144000,
      max_output_tokens: 64000,
      max_prompt_tokens: 128000,
    }),
  ],
};

/** The APIs a model is served on: its `supported_endpoints`, chat only when absent. */
export function endpointsOf(model: FakeModel): string[] {
  return model.supported_endpoints ?? ['/chat/completions'];
}
