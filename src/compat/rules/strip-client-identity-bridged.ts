import type { CompatRule } from '../compat-rule';

/**
 * ID3: the bridge carries a Messages body's `metadata.user_id` as Chat's `user`
 * (`messages->chat`). From Claude Code that is its device, account and session
 * ids (ID2), so the `user` the bridge wrote is removed. A Chat or Responses
 * client's own `user` is the application's choice and goes on. Off with
 * `KEEP_CLIENT_IDENTITY=true`.
 */
export const stripClientIdentityBridged: CompatRule = {
  id: 'id3',
  name: 'bridged-user',
  apis: ['chat'],
  clientIdentity: true,
  apply({ body, direction }, edit) {
    if (direction !== 'messages->chat' || body?.user === undefined)
      return false;
    edit.remove(['user']);
    return true;
  },
};
