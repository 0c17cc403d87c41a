import { runRule } from '../__fixtures__/run-rule';
import {
  omitsThinkingByDefault,
  promoteThinkingDisplay,
} from './promote-thinking-display';

const body = (model: string, thinking: string, stream = true) =>
  `{"model":"${model}","max_tokens":64000,"stream":${stream},"thinking":${thinking},"messages":[{"role":"user","content":"hi"}]}`;

describe('promoteThinkingDisplay (G9/M11)', () => {
  it('asks Copilot for summarized thinking where the client asked for omitted, nothing else changed', () => {
    const sent = body(
      'claude-opus-4.7',
      '{"type":"adaptive","display":"omitted"}',
    );
    const result = runRule(promoteThinkingDisplay, 'messages', sent);
    expect(result.changed).toBe(true);
    expect(result.body).toBe(sent.replace('"omitted"', '"summarized"'));
  });

  it('promotes a display left unset on Claude 4.7 and later (omitted there by default)', () => {
    const sent = body(
      'claude-sonnet-4.8',
      '{"type":"enabled","budget_tokens":2048}',
    );
    expect(runRule(promoteThinkingDisplay, 'messages', sent).body).toBe(
      sent.replace('2048}', '2048,"display":"summarized"}'),
    );
  });

  it.each([
    [
      'an older model',
      body('claude-sonnet-4.6', '{"type":"adaptive","display":"omitted"}'),
    ],
    [
      'summarized asked',
      body('claude-opus-4.7', '{"type":"adaptive","display":"summarized"}'),
    ],
    ['thinking off', body('claude-opus-4.7', '{"type":"disabled"}')],
    [
      'no stream',
      body('claude-opus-4.7', '{"type":"adaptive","display":"omitted"}', false),
    ],
  ])('leaves the request alone: %s', (_, sent) => {
    expect(runRule(promoteThinkingDisplay, 'messages', sent).changed).toBe(
      false,
    );
  });

  it('leaves what the bridge wrote alone (the answer is translated, not filtered)', () => {
    const sent = body(
      'claude-opus-4.7',
      '{"type":"adaptive","display":"omitted"}',
    );
    expect(
      runRule(promoteThinkingDisplay, 'messages', sent, { translated: true })
        .changed,
    ).toBe(false);
  });

  it.each([
    ['claude-opus-4.7', true],
    ['claude-opus-4.7-xhigh', true],
    ['claude-opus-4.8-fast', true],
    ['claude-sonnet-5', true],
    ['claude-sonnet-4.6', false],
    ['claude-haiku-4.5', false],
    ['claude-sonnet-4', false],
    ['gpt-5.4', false],
  ])('%s omits thinking by default: %s', (model, expected) => {
    expect(omitsThinkingByDefault(model)).toBe(expected);
  });
});
