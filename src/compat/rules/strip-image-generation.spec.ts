import { runRule } from '../__fixtures__/run-rule';
import { stripImageGeneration } from './strip-image-generation';

const run = (body: string) => runRule(stripImageGeneration, 'responses', body);

describe('R4 strip-image-generation', () => {
  it('drops the tool and keeps the others and the choice', () => {
    const body =
      '{"tools":[{"type":"web_search"},{"type":"image_generation","size":"auto"}],"tool_choice":"auto"}';
    const out = run(body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"tools":[{"type":"web_search"}],"tool_choice":"auto"}',
    );
  });

  it('removes a tool_choice that requires a tool when none is left, or names it', () => {
    expect(
      run('{"tools":[{"type":"image_generation"}],"tool_choice":"required"}')
        .body,
    ).toBe('{"tools":[]}');
    expect(
      run(
        '{"tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"image_generation"}}',
      ).body,
    ).toBe('{"tools":[{"type":"function","name":"f"}]}');
  });

  it('leaves other tools alone', () => {
    expect(
      run('{"tools":[{"type":"web_search"}],"tool_choice":"required"}').changed,
    ).toBe(false);
  });
});
