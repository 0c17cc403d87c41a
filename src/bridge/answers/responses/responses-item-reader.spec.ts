import type { StreamPart } from '../../ir';
import { readThinkingSignature } from '../../requests/reasoning-carrier';
import { checkChatStream, checkMessagesStream } from '../__fixtures__/grammar';
import { callBlock, reasoningBlock, textBlock } from '../__fixtures__/parts';
import {
  chunkings,
  loadFixture,
  readParts,
  replay,
  testIds,
} from '../__fixtures__/replay';
import { ChatStreamWriter } from '../write-chat-answer';
import { MessagesStreamWriter } from '../write-messages-answer';
import { ResponsesStreamReader } from './responses-stream-reader';

/** Copilot's shapes: a new ~408-character id on every event of an item (R9), no `sequence_number`. */
const fixture = loadFixture('responses-copilot-churn');
const events = fixture.bytes
  .toString('utf8')
  .split('\n')
  .filter((line) => line.startsWith('data: '))
  .map((line) => JSON.parse(line.slice(6)) as Record<string, any>);
/** The id of the reasoning item's `output_item.done`: the one paired with its encrypted content. */
const done = events.find(
  (e) => e.type === 'response.output_item.done' && e.output_index === 0,
)!.item as { id: string; encrypted_content: string };
const context = { model: 'gpt-5.4', ids: testIds(), includeUsage: true };

describe('ResponsesItemReader on churning item ids (R9)', () => {
  it('has a different id on every event of one item: the fixture is what it claims', () => {
    const ids = events
      .filter((e) => e.output_index === 0)
      .map((e) => e.item_id ?? e.item?.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length === 408)).toBe(true);
    expect(events.some((e) => 'sequence_number' in e)).toBe(false);
  });

  it.each(chunkings(fixture).map((c) => [c.label, c.chunks] as const))(
    'keys items by output_index, fed %s: one block per item, the done id paired with its encrypted content',
    (_label, chunks) => {
      const parts = readParts(new ResponsesStreamReader(), chunks);
      expect(parts).toEqual<StreamPart[]>([
        {
          type: 'start',
          id: events[0].response.id,
          model: 'gpt-5.4-2026-03-05',
        },
        ...reasoningBlock('reasoning-0', ['**Finding the file**'], {
          encrypted: done.encrypted_content,
          itemId: done.id,
        }),
        ...textBlock('text-1', 'Listing it.'),
        ...callBlock('call_Rk9vQmFy', 'Bash', '{"command":', '"ls"}'),
        {
          type: 'finish',
          reason: 'tool-calls',
          usage: {
            inputTokens: 812,
            outputTokens: 41,
            cachedInputTokens: 768,
            reasoningTokens: 12,
          },
          copilotUsage: events.at(-1)!.copilot_usage,
        },
      ]);
    },
  );

  it('gives an Anthropic client consistent blocks and a signature that unpacks to the exact pair', () => {
    const { output } = replay(
      new ResponsesStreamReader(),
      new MessagesStreamWriter(context),
      [fixture.bytes],
    );
    const stream = checkMessagesStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.content.map((block) => block.type)).toEqual([
      'thinking',
      'text',
      'tool_use',
    ]);
    expect(
      readThinkingSignature(stream.content[0].signature as string),
    ).toEqual({ encrypted: done.encrypted_content, id: done.id });
  });

  it('gives a Chat client the same pair in reasoning_opaque', () => {
    const { output } = replay(
      new ResponsesStreamReader(),
      new ChatStreamWriter(context),
      [fixture.bytes],
    );
    const stream = checkChatStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.opaque).toEqual([`${done.encrypted_content}@${done.id}`]);
  });
});
