/**
 * A Responses reasoning item (`encrypted_content` and its `id`) can only reach
 * an Anthropic client inside a thinking block's `signature`, and comes back the
 * same way. Public Copilot proxies write it as `<encrypted_content>@<id>`: `@`
 * is in neither base64 alphabet, so a real Anthropic signature never has one.
 * The answer side packs; `readThinkingSignature` unpacks on the next turn.
 */
const SEPARATOR = '@';

export function packResponsesReasoning(encrypted: string, id?: string): string {
  return `${encrypted}${SEPARATOR}${id ?? ''}`;
}

export function readThinkingSignature(
  signature: string,
): { signature: string } | { encrypted: string; id?: string } {
  const at = signature.lastIndexOf(SEPARATOR);
  if (at < 0) return { signature };
  const encrypted = signature.slice(0, at);
  const id = signature.slice(at + 1);
  return id ? { encrypted, id } : { encrypted };
}
