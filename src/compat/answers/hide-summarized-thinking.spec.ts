import { EventStreamTransform } from './event-stream';
import {
  hideSummarizedThinking,
  KEEPALIVE_MS,
} from './hide-summarized-thinking';
import { runStream } from './__fixtures__/run-stream';

const SIGNATURE = 'EqQBCkgIBxABGAIqQDz+/sig\\u002f==';
const start =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bdrk_01","content":[]}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}\n\n';
const thinking = (text: string) =>
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"${text}"}}\n\n`;
const rest =
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"${SIGNATURE}"}}\n\n` +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"no thinking_delta here"}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

describe('hideSummarizedThinking (G9/M11)', () => {
  it('gives the client the thinking block with its signature byte-exact, never the summarized text', () => {
    const clock = { now: 0 };
    const filter = hideSummarizedThinking(jest.fn(), () => clock.now);
    const wire = start + thinking('Let me') + thinking(' think.') + rest;
    expect(runStream(new EventStreamTransform([filter]), wire, 9)).toBe(
      start + rest,
    );
  });

  it('sends a ping in place of dropped text when the client heard nothing for a while', () => {
    const clock = { now: 0 };
    const transform = new EventStreamTransform([
      hideSummarizedThinking(jest.fn(), () => clock.now),
    ]);
    let out = transform.chunk(Buffer.from(start)).toString();
    clock.now = KEEPALIVE_MS - 1;
    out += transform.chunk(Buffer.from(thinking('a'))).toString();
    clock.now = KEEPALIVE_MS;
    out += transform.chunk(Buffer.from(thinking('b'))).toString();
    out += transform.chunk(Buffer.from(thinking('c'))).toString();
    clock.now = 2 * KEEPALIVE_MS;
    out += transform.chunk(Buffer.from(thinking('d'))).toString();
    const ping = 'event: ping\ndata: {"type": "ping"}\n\n';
    expect(out).toBe(start + ping + ping);
  });
});
