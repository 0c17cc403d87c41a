import { countWithinBudget, CountLimits } from './budgeted-count';
import { BpeEncoder, o200kEncoder } from './o200k-encoder';

/** Per-message framing the API adds around content (an estimate). */
const PER_MESSAGE = 3;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An estimate of an Anthropic count_tokens body's input tokens: the system
 * prompt, every message's text, tool calls and results, and the tool
 * definitions, through the o200k_base BPE (Claude's own tokenizer is not public;
 * counts land within some percent of it). Images are not counted. The cost is
 * bounded whatever the body holds: see {@link countWithinBudget} for how long
 * runs are split and what is estimated past the budget.
 */
export function countTokens(
  body: unknown,
  encoder?: BpeEncoder,
  limits?: CountLimits,
): number {
  if (!isObject(body)) return 0;
  const texts: string[] = [];
  collect(body.system, texts);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const message of messages) {
    if (isObject(message)) collect(message.content, texts);
  }
  if (Array.isArray(body.tools)) texts.push(JSON.stringify(body.tools));
  return (
    messages.length * PER_MESSAGE +
    countWithinBudget(texts, encoder ?? o200kEncoder(), limits)
  );
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
