import { runRule } from '../__fixtures__/run-rule';
import { fillNamespaceDescription } from './fill-namespace-description';

describe('R6 fill-namespace-description', () => {
  it('fills an empty or missing namespace description, top level and in input items', () => {
    const body =
      '{"tools":[{"type":"namespace","name":"functions","description":"","tools":[]}],"input":[{"type":"additional_tools","tools":[{"type":"namespace","name":"mcp"}]}]}';
    const out = runRule(fillNamespaceDescription, 'responses', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"tools":[{"type":"namespace","name":"functions","description":"Tools in the functions namespace.","tools":[]}],"input":[{"type":"additional_tools","tools":[{"type":"namespace","name":"mcp","description":"Tools in the mcp namespace."}]}]}',
    );
  });

  it('leaves described namespaces and empty function descriptions alone', () => {
    expect(
      runRule(
        fillNamespaceDescription,
        'responses',
        '{"tools":[{"type":"namespace","name":"a","description":"A"},{"type":"function","name":"f","description":""}]}',
      ).changed,
    ).toBe(false);
  });
});
