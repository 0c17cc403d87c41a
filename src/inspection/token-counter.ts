import { Tiktoken } from 'js-tiktoken/lite';

/** Per-message framing the API adds around content (an estimate). */
const PER_MESSAGE = 3;

let encoder: Tiktoken | undefined;

/** o200k_base, loaded on first use (a few MB): most proxies never need it. */
function tokenizer(): Tiktoken {
  if (!encoder) {
    type Ranks = ConstructorParameters<typeof Tiktoken>[0];
    // Loaded lazily, hence require. The CommonJS build exports the ranks
    // themselves; the ES one as `default`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ranks = require('js-tiktoken/ranks/o200k_base') as
      Ranks | { default: Ranks };
    encoder = new Tiktoken('default' in ranks ? ranks.default : ranks);
  }
  return encoder;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An estimate of an Anthropic count_tokens body's input tokens: the system
 * prompt, every message's text, tool calls and results, and the tool
 * definitions, through the o200k_base BPE (Claude's own tokenizer is not public;
 * counts land within some percent of it). Images are not counted.
 */
export function countTokens(body: unknown): number {
  if (!isObject(body)) return 0;
  const texts: string[] = [];
  collect(body.system, texts);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const message of messages) {
    if (isObject(message)) collect(message.content, texts);
  }
  if (Array.isArray(body.tools)) texts.push(JSON.stringify(body.tools));
  const encode = tokenizer();
  let total = messages.length * PER_MESSAGE;
  for (const text of texts) total += encode.encode(text).length;
  return total;
}

/** Text of a content value: a string, or blocks of text, tool use and tool results. */
function collect(content: unknown, texts: string[], depth = 0): void {
  if (typeof content === 'string') {
    texts.push(content);
    return;
  }
  if (!Array.isArray(content) || depth > 3) return;
  for (const block of content) {
    if (!isObject(block)) continue;
    if (typeof block.text === 'string') texts.push(block.text);
    if (block.type === 'tool_use') {
      const name = typeof block.name === 'string' ? block.name : '';
      texts.push(name, JSON.stringify(block.input ?? {}));
    }
    if (block.type === 'tool_result') collect(block.content, texts, depth + 1);
  }
}
