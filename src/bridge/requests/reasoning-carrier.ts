/**
 * A Responses reasoning item (`encrypted_content` and its `id`) can only reach
 * an Anthropic client inside a thinking block's `signature`, and comes back the
 * same way. Public Copilot proxies write it as `<encrypted_content>@<id>`: `@`
 * is in neither base64 alphabet, so a real Anthropic signature never has one.
 * A Chat client of a Responses model keeps it the same way in
 * `reasoning_opaque`. The answer side packs (`carriedToken`);
 * `readThinkingSignature` unpacks on the next turn. The pair goes back as it
 * came: Copilot replays only the exact (id, encrypted_content) pair (R10).
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

/**
 * The one opaque token an Anthropic `signature` or a Chat `reasoning_opaque`
 * can hold: a signature as it came, or Responses reasoning packed with its
 * item id (`itemId`: a whole answer's `ReasoningPart.id`, a stream's
 * `reasoning-end.itemId`).
 */
export function carriedToken(
  part: { signature?: string; encrypted?: string },
  itemId: string | undefined,
): string | undefined {
  if (part.signature !== undefined) return part.signature;
  if (part.encrypted === undefined) return undefined;
  return packResponsesReasoning(part.encrypted, itemId);
}
