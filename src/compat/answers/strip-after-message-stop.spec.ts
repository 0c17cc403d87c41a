import { EventStreamTransform } from './event-stream';
import { stripAfterMessageStop } from './strip-after-message-stop';
import { runStream } from './__fixtures__/run-stream';

const ANSWER =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bdrk_01","type":"message","role":"assistant","content":[],"usage":{"input_tokens":9,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the message_stop word"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":5},"context_management":{"applied_edits":[]}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

const strip = (changed = jest.fn()) =>
  new EventStreamTransform([stripAfterMessageStop(changed)]);

describe('stripAfterMessageStop (M13)', () => {
  it('drops the [DONE] Copilot appends after message_stop, however the chunks fall', () => {
    for (const size of [1, 10, 1000]) {
      const changed = jest.fn();
      expect(runStream(strip(changed), `${ANSWER}data: [DONE]\n\n`, size)).toBe(
        ANSWER,
      );
      expect(changed).toHaveBeenCalled();
    }
  });

  it('drops anything after message_stop, unnamed events too', () => {
    const unnamed = ANSWER.replace(/event: [a-z_]+\n/g, '');
    expect(runStream(strip(), `${unnamed}data: [DONE]\n\ndata: {}\n\n`)).toBe(
      unnamed,
    );
  });

  it('leaves a stream that ends at message_stop as it came', () => {
    const changed = jest.fn();
    expect(runStream(strip(changed), ANSWER, 7)).toBe(ANSWER);
    expect(changed).not.toHaveBeenCalled();
  });
});
