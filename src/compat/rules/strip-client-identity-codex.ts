import type { CompatRule } from '../compat-rule';

/**
 * ID1: Codex sends `client_metadata: {"x-codex-installation-id": "<uuid>"}` in
 * every Responses body: an id of the machine it runs on, for OpenAI's own
 * analytics. Copilot needs none of it (turns and caching go by
 * `prompt_cache_key`, which stays), so it is removed, as the installation id in
 * `x-codex-turn-metadata` is (the header policy keeps `x-codex-*` home). Off with
 * `KEEP_CLIENT_IDENTITY=true`.
 */
export const stripClientIdentityCodex: CompatRule = {
  id: 'id1',
  name: 'client-metadata',
  apis: ['responses'],
  clientIdentity: true,
  apply({ body }, edit) {
    if (body?.client_metadata === undefined) return false;
    edit.remove(['client_metadata']);
    return true;
  },
};
