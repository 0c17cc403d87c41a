import type { OutgoingHttpHeaders } from 'node:http';
import { applyRules } from '../apply-rules';
import type { CompatApi, CompatRule } from '../compat-rule';

/** One rule run on a body (and headers), as the stage would: for rule specs. */
export function runRule(
  rule: CompatRule,
  api: CompatApi,
  body: string,
  options: {
    headers?: OutgoingHttpHeaders;
    model?: string;
    translated?: boolean;
  } = {},
): { changed: boolean; body: string; headers: OutgoingHttpHeaders } {
  const bytes = Buffer.from(body);
  const headers = { ...(options.headers ?? {}) };
  const result = applyRules([rule], {
    api,
    model: options.model ?? modelOf(body),
    bytes,
    headers,
    translated: options.translated ?? false,
  });
  return {
    changed: result.applied.length > 0,
    body: (result.bytes ?? bytes).toString(),
    headers: result.headers,
  };
}

function modelOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { model?: unknown };
    return typeof parsed.model === 'string' ? parsed.model : undefined;
  } catch {
    return undefined;
  }
}
