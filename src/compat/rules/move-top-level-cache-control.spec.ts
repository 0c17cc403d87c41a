import { runRule } from '../__fixtures__/run-rule';
import { moveTopLevelCacheControl } from './move-top-level-cache-control';

const run = (body: string) =>
  runRule(moveTopLevelCacheControl, 'messages', body);

describe('M4 move-top-level-cache-control', () => {
  it('moves the marker onto the last cacheable block', () => {
    const out = run(
      '{"cache_control":{"type":"ephemeral","ttl":"1h"},"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"thinking","thinking":""}]}]}',
    );
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"thinking","thinking":""}]}]}',
    );
  });

  it('turns a last string content into a text block carrying it', () => {
    expect(
      run(
        '{"messages":[{"role":"user","content":"hi"}],"cache_control":{"type":"ephemeral"}}',
      ).body,
    ).toBe(
      '{"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}',
    );
  });

  it('only removes it when the last block has its own marker', () => {
    const body =
      '{"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}]}],"cache_control":{"type":"ephemeral"}}';
    expect(run(body).body).toBe(
      body.replace(/,"cache_control":\{"type":"ephemeral"\}\}$/, '}'),
    );
  });

  it('leaves a body without it alone', () => {
    expect(run('{"messages":[]}').changed).toBe(false);
  });
});
