import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/**
 * The official SDKs pointed at a proxy as the README says: the Anthropic SDK at
 * the proxy's address (it adds `/v1/messages`), the OpenAI SDK at `…/v1`; no
 * retries, so a test sees each answer as it came.
 */
export function sdkClients(proxyUrl: string): {
  anthropic: Anthropic;
  openai: OpenAI;
} {
  return {
    anthropic: new Anthropic({
      baseURL: proxyUrl,
      apiKey: 'any',
      maxRetries: 0,
    }),
    openai: new OpenAI({
      baseURL: `${proxyUrl}/v1`,
      apiKey: 'any',
      maxRetries: 0,
    }),
  };
}
