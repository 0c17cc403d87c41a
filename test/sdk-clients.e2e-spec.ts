import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { useStaticFakeAndProxy } from './support/test-app';

/**
 * Issue 27 items 4 and 7: the SDKs with the base URLs the README gives them — the
 * Vercel AI SDK's providers with `/v1`, the Anthropic SDK without — and the
 * Anthropic SDK with a base URL ending in `/v1` reading what to fix.
 */
const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const KEY = 'sk-sdk-client-000000000';

describe('SDK clients with the README’s base URLs', () => {
  const ctx = useStaticFakeAndProxy({ PROXY_API_KEYS: KEY });

  it('the README gives @ai-sdk/* the base URL with /v1 and the Anthropic SDK without', () => {
    expect(README).toContain(
      "createOpenAI({ baseURL: 'http://localhost:8080/v1'",
    );
    expect(README).toContain(
      "createAnthropic({ baseURL: 'http://localhost:8080/v1'",
    );
    expect(README).toContain(
      "new Anthropic({ baseURL: 'http://localhost:8080',",
    );
  });

  it('@ai-sdk/openai (Chat) and @ai-sdk/anthropic answer with /v1', async () => {
    const openai = createOpenAI({
      baseURL: `${ctx.proxy.url}/v1`,
      apiKey: KEY,
    });
    const chat = await generateText({
      model: openai.chat('gpt-4o'),
      prompt: 'Hello',
      maxOutputTokens: 64,
      maxRetries: 0,
    });
    expect(chat.text.length).toBeGreaterThan(0);
    expect(ctx.fake.requests.at(-1)?.url).toBe('/chat/completions');

    const anthropic = createAnthropic({
      baseURL: `${ctx.proxy.url}/v1`,
      apiKey: KEY,
    });
    const message = await generateText({
      model: anthropic('claude-sonnet-4'),
      prompt: 'Hello',
      maxOutputTokens: 64,
      maxRetries: 0,
    });
    expect(message.text.length).toBeGreaterThan(0);
    expect(ctx.fake.requests.at(-1)?.url).toBe('/v1/messages');
  });

  it('the Anthropic SDK answers without /v1, and with it says what to fix', async () => {
    const ask = (baseURL: string) =>
      new Anthropic({ baseURL, apiKey: KEY, maxRetries: 0 }).messages.create({
        model: 'claude-sonnet-4',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      });
    const ok = await ask(ctx.proxy.url);
    expect(ok.content.length).toBeGreaterThan(0);
    const wrong = await ask(`${ctx.proxy.url}/v1`).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(Anthropic.BadRequestError);
    expect((wrong as Error).message).toContain(
      'ANTHROPIC_BASE_URL must not end in /v1',
    );
  });
});
