import { runRule } from '../__fixtures__/run-rule';
import { stripInternalKeys } from './strip-internal-keys';

describe('R7 strip-internal-keys', () => {
  it('removes internal_* keys of input items', () => {
    const body =
      '{"input":[{"role":"user","content":"hi","internal_chat_message_metadata_passthrough":{"content_item_kinds":[]}},{"type":"message","internal":1}]}';
    const out = runRule(stripInternalKeys, 'responses', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"input":[{"role":"user","content":"hi"},{"type":"message","internal":1}]}',
    );
    expect(
      runRule(stripInternalKeys, 'responses', '{"input":"hi"}').changed,
    ).toBe(false);
  });
});
