import { runRule } from '../__fixtures__/run-rule';
import { stripClientIdentityBridged } from './strip-client-identity-bridged';

const CHAT = '{"model":"gpt-4o","messages":[],"user":"user_ab12_session_0c3d"}';

describe('ID3 strip-client-identity-bridged', () => {
  it('removes the user the bridge wrote from metadata.user_id', () => {
    const out = runRule(stripClientIdentityBridged, 'chat', CHAT, {
      direction: 'messages->chat',
    });
    expect(out.changed).toBe(true);
    expect(out.body).toBe('{"model":"gpt-4o","messages":[]}');
  });

  it("keeps a Chat or Responses client's own user", () => {
    expect(runRule(stripClientIdentityBridged, 'chat', CHAT).changed).toBe(
      false,
    );
    expect(
      runRule(stripClientIdentityBridged, 'chat', CHAT, {
        direction: 'responses->chat',
      }).changed,
    ).toBe(false);
  });
});
