import {
  readChatUsage,
  readResponsesUsage,
  toAnthropicUsage,
  toChatUsage,
  toResponsesUsage,
} from './usage';

describe('usage', () => {
  it('reads Chat usage with cached and reasoning tokens', () => {
    expect(
      readChatUsage({
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      }),
    ).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cachedInputTokens: 100,
      reasoningTokens: 12,
    });
  });

  it("reads Copilot's top-level reasoning_tokens and missing details", () => {
    expect(
      readChatUsage({
        prompt_tokens: 19581,
        completion_tokens: 53,
        reasoning_tokens: 134,
      }),
    ).toEqual({
      inputTokens: 19581,
      outputTokens: 53,
      cachedInputTokens: 0,
      reasoningTokens: 134,
    });
  });

  it('reads no usage from what has no token counts', () => {
    expect(readChatUsage(undefined)).toBeUndefined();
    expect(readChatUsage({ total_tokens: 3 })).toBeUndefined();
    expect(readResponsesUsage(null)).toBeUndefined();
    expect(readResponsesUsage({})).toBeUndefined();
  });

  it('reads Responses usage', () => {
    expect(
      readResponsesUsage({
        input_tokens: 19,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 105,
        output_tokens_details: { reasoning_tokens: 44 },
        total_tokens: 124,
      }),
    ).toEqual({
      inputTokens: 19,
      outputTokens: 105,
      cachedInputTokens: 4,
      reasoningTokens: 44,
    });
    expect(readResponsesUsage({ input_tokens: 5, output_tokens: 1 })).toEqual({
      inputTokens: 5,
      outputTokens: 1,
      cachedInputTokens: 0,
    });
  });

  const usage = {
    inputTokens: 120,
    outputTokens: 30,
    cachedInputTokens: 100,
    reasoningTokens: 12,
  };

  it('writes Anthropic usage with cache reads outside input_tokens', () => {
    expect(toAnthropicUsage(usage)).toEqual({
      input_tokens: 20,
      output_tokens: 30,
      cache_read_input_tokens: 100,
    });
  });

  it('writes Chat and Responses usage with totals and details', () => {
    expect(toChatUsage(usage)).toEqual({
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
    expect(
      toResponsesUsage({
        inputTokens: 5,
        outputTokens: 1,
        cachedInputTokens: 0,
      }),
    ).toEqual({
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 6,
    });
  });
});
