import { runRule } from '../__fixtures__/run-rule';
import { stripToolResultCacheControl } from './strip-tool-result-cache-control';

describe('M5 strip-tool-result-cache-control', () => {
  it('removes the marker inside tool_result content, not on the tool_result', () => {
    const body =
      '{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","cache_control":{"type":"ephemeral"},"content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}]}]}';
    const out = runRule(stripToolResultCacheControl, 'messages', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      body.replace(
        '"text":"x","cache_control":{"type":"ephemeral"}',
        '"text":"x"',
      ),
    );
  });

  it('leaves string tool_result content alone', () => {
    const body =
      '{"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}';
    expect(runRule(stripToolResultCacheControl, 'messages', body).changed).toBe(
      false,
    );
  });
});
