import type { CompatRule } from '../compat-rule';

/**
 * ID2: Claude Code sends `metadata.user_id` in every Messages body, its device
 * id, account and session ids in one string (`user_<hex>_account_…_session_<uuid>`,
 * or the same as JSON). Copilot needs none of it, so it is removed: the whole
 * `metadata` when `user_id` is all it holds, else that member alone. Off with
 * `KEEP_CLIENT_IDENTITY=true`. A translated call's copy is ID3's.
 */
export const stripClientIdentityClaudeCode: CompatRule = {
  id: 'id2',
  name: 'metadata-user-id',
  apis: ['messages'],
  clientIdentity: true,
  apply({ body }, edit) {
    const metadata = body?.metadata;
    if (typeof metadata !== 'object' || metadata === null) return false;
    if (Array.isArray(metadata) || !('user_id' in metadata)) return false;
    const keys = Object.keys(metadata);
    edit.remove(keys.length === 1 ? ['metadata'] : ['metadata', 'user_id']);
    return true;
  },
};
