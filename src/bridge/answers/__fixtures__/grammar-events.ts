/** Test support: SSE text read back as events and JSON, for the grammar checks. */
import { SseParser } from '../../../http/sse';
import type { Json, SseEvent } from '../../ir';

export function events(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(text, 'utf8')), ...parser.end()];
}

export function parse(data: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

export function isJsonObject(text: string): boolean {
  return parse(text) !== undefined;
}
