import { FinishReasons } from './finish-reasons';

const read = (streaming: boolean, ...chunks: string[]) => {
  const reader = new FinishReasons(streaming);
  for (const chunk of chunks) reader.push(Buffer.from(chunk));
  return reader.reasons;
};

describe('FinishReasons', () => {
  it('reads a chat stream: null until the last chunk names it', () => {
    expect(
      read(
        true,
        'data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}\n\n',
        'data: {"choices":[{"delta":{},"finish_reason":"tool_calls"}],"usage":{}}\n\ndata: [DONE]\n\n',
      ),
    ).toEqual(['tool_calls']);
  });

  it('reads a field cut between two chunks', () => {
    expect(
      read(
        true,
        'data: {"choices":[{"delta":{},"finish_re',
        'ason": "length"}]}\n\n',
      ),
    ).toEqual(['length']);
  });

  it("reads Anthropic's stop_reason and the end of a Responses stream", () => {
    expect(
      read(
        true,
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"}}\n\n',
      ),
    ).toEqual(['end_turn']);
    expect(
      read(
        true,
        'data: {"type":"response.created","response":{"object":"response","status":"in_progress"}}\n\n',
        'data: {"type":"response.output_text.delta","delta":"x"}\n\n',
        'data: {"type":"response.incomplete","response":{"status":"incomplete"}}\n\n',
      ),
    ).toEqual(['incomplete']);
  });

  it("reads a whole Responses answer's own status, not its output's", () => {
    expect(
      read(
        false,
        '{"id":"resp_1","object":"response","created_at":1,"status":"completed","output":[{"type":"message","status":"in_progress"}]}',
      ),
    ).toEqual(['completed']);
  });

  it('finds nothing in an answer that names no reason', () => {
    expect(read(false, '{"data":[{"embedding":[0.1]}]}')).toEqual([]);
  });
});
