import { UntranslatableError } from '../ir';
import { notCarried, notSupportedUpstream } from './refusal';

describe('refusal', () => {
  it('says which model, which API and what to do for a client field', () => {
    const error = notCarried(
      'mcp_servers',
      'gpt-4.1',
      'messages',
      'MCP connector',
    );
    expect(error).toBeInstanceOf(UntranslatableError);
    expect(error.field).toBe('mcp_servers');
    expect(error.message).toBe(
      'mcp_servers: model gpt-4.1 is not served on /v1/messages, and the API it is served on has no MCP connector; remove it or use a model served on /v1/messages',
    );
  });

  it('names the upstream API for what a writer cannot place', () => {
    expect(
      notSupportedUpstream(
        'stop',
        'gpt-5.1-codex',
        'responses',
        'stop sequences',
      ).message,
    ).toBe(
      'stop: model gpt-5.1-codex is served on /responses, which has no stop sequences; remove it or use a model served on the API you call',
    );
  });
});
