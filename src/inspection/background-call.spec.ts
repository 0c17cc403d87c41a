import { backgroundCall } from './background-call';

const turnMetadata = (fields: Record<string, unknown>) =>
  JSON.stringify({
    installation_id: '5b0c0000-0000-4000-8000-000000000000',
    session_id: 's',
    request_kind: 'turn',
    thread_source: 'user',
    ...fields,
  });

describe('backgroundCall', () => {
  it("marks a Claude Code sub-agent's call by its agent id header", () => {
    expect(
      backgroundCall('messages', { 'x-claude-code-agent-id': 'a1b2' }, {}),
    ).toEqual({ reason: 'subagent', interactionType: 'conversation-subagent' });
  });

  it('marks a Claude Code title call: no tools and an output_config.format schema', () => {
    const body = {
      model: 'claude-haiku-4-5-20251001',
      messages: [{ role: 'user', content: 'say hi' }],
      output_config: {
        format: { type: 'json_schema', schema: { type: 'object' } },
      },
    };
    expect(backgroundCall('messages', {}, body)).toEqual({ reason: 'title' });
    expect(backgroundCall('messages', {}, { ...body, tools: [] })).toEqual({
      reason: 'title',
    });
  });

  it('leaves a main turn with tools, or an effort-only output_config, to the conversation', () => {
    expect(
      backgroundCall(
        'messages',
        {},
        {
          tools: [{ name: 'Bash' }],
          output_config: { format: { type: 'json_schema' } },
        },
      ),
    ).toBeUndefined();
    expect(
      backgroundCall('messages', {}, { output_config: { effort: 'high' } }),
    ).toBeUndefined();
  });

  it("marks Codex's compaction and thread-title calls by their turn metadata", () => {
    expect(
      backgroundCall(
        'responses',
        {
          'x-codex-turn-metadata': turnMetadata({ request_kind: 'compaction' }),
        },
        {},
      ),
    ).toEqual({
      reason: 'compaction',
      interactionType: 'conversation-compaction',
    });
    expect(
      backgroundCall(
        'responses',
        {
          'x-codex-turn-metadata': turnMetadata({
            thread_source: 'thread_title',
          }),
        },
        {},
      ),
    ).toEqual({ reason: 'thread-title' });
  });

  it('leaves a Codex turn, and metadata that is not JSON, alone', () => {
    expect(
      backgroundCall(
        'responses',
        { 'x-codex-turn-metadata': turnMetadata({}) },
        {},
      ),
    ).toBeUndefined();
    expect(
      backgroundCall('responses', { 'x-codex-turn-metadata': '{not json' }, {}),
    ).toBeUndefined();
  });
});

describe('backgroundCall: opencode', () => {
  const TITLE = 'You are a title generator. You output ONLY a thread title.';
  const chat = (extra: Record<string, unknown> = {}) => ({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: TITLE },
      { role: 'user', content: 'Generate a title for this conversation:\n' },
    ],
    ...extra,
  });

  it('marks its title call: no tools, the title generator as system prompt', () => {
    expect(backgroundCall('chat', {}, chat())).toEqual({ reason: 'title' });
    expect(backgroundCall('chat', {}, chat({ tools: [] }))).toEqual({
      reason: 'title',
    });
    expect(
      backgroundCall('responses', {}, { instructions: TITLE, input: 'hi' }),
    ).toEqual({ reason: 'title' });
    expect(
      backgroundCall(
        'responses',
        {},
        {
          input: [
            {
              role: 'developer',
              content: [{ type: 'input_text', text: TITLE }],
            },
          ],
        },
      ),
    ).toEqual({ reason: 'title' });
  });

  it('leaves its turns, and a title prompt with tools or from the user, to the conversation', () => {
    expect(
      backgroundCall('chat', {}, chat({ tools: [{ type: 'function' }] })),
    ).toBeUndefined();
    expect(
      backgroundCall(
        'chat',
        {},
        {
          messages: [
            { role: 'system', content: 'You are opencode, an agent' },
            { role: 'user', content: 'say hi' },
          ],
        },
      ),
    ).toBeUndefined();
    expect(
      backgroundCall(
        'chat',
        {},
        { messages: [{ role: 'user', content: TITLE }] },
      ),
    ).toBeUndefined();
  });
});
