/** What one answer used, as read from its body. */
export interface Usage {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  nanoAiu: number;
  /** The answer reported its prompt tokens (else they are estimated). */
  promptReported: boolean;
  /** The answer reported its completion tokens (else they are estimated). */
  completionReported: boolean;
  /** The model the answer names, when it does. */
  model?: string;
}

export const noUsage = (): Usage => ({
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  nanoAiu: 0,
  promptReported: false,
  completionReported: false,
});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A count read from an upstream answer: a finite number, at least 0. Anything
 * else (negative, NaN, a string) counts as absent — a counter never goes down,
 * and prom-client throws on a decreasing counter.
 */
export const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/**
 * Reads the usage out of one parsed JSON document — a non-streamed answer or one
 * event of a stream — in any of the shapes the Copilot API sends: OpenAI chat and
 * embeddings (`usage.prompt_tokens`…), Anthropic (`message_start.message.usage`,
 * `message_delta.usage`, a message's `usage`), Responses (`response.usage` on
 * `response.completed`/`incomplete`/`failed`, or a response's `usage`), and
 * `copilot_usage.total_nano_aiu` beside any of them. Later documents of one answer
 * overwrite what earlier ones said (Anthropic's final `message_delta` is the total).
 */
export function readUsage(doc: unknown, into: Usage): void {
  if (!isObject(doc)) return;
  const holder =
    doc.type === 'message_start' && isObject(doc.message)
      ? doc.message
      : isObject(doc.response) &&
          (doc.type === 'response.completed' ||
            doc.type === 'response.incomplete' ||
            doc.type === 'response.failed')
        ? doc.response
        : doc;
  if (typeof holder.model === 'string' && holder.model)
    into.model = holder.model;
  const usage = holder.usage;
  if (isObject(usage)) {
    const prompt = count(usage.prompt_tokens) ?? count(usage.input_tokens);
    const completion =
      count(usage.completion_tokens) ?? count(usage.output_tokens);
    const details = isObject(usage.prompt_tokens_details)
      ? usage.prompt_tokens_details
      : isObject(usage.input_tokens_details)
        ? usage.input_tokens_details
        : undefined;
    const cached =
      count(details?.cached_tokens) ?? count(usage.cache_read_input_tokens);
    if (prompt !== undefined) {
      into.promptTokens = prompt;
      into.promptReported = true;
    }
    if (completion !== undefined) {
      into.completionTokens = completion;
      into.completionReported = true;
    }
    if (cached !== undefined) into.cachedTokens = cached;
  }
  const copilot = holder.copilot_usage ?? doc.copilot_usage;
  if (isObject(copilot)) {
    const nano = count(copilot.total_nano_aiu);
    if (nano !== undefined) into.nanoAiu = nano;
  }
}
