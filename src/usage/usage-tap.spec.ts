import { noUsage, readUsage, Usage } from './usage';

const NO_USAGE = noUsage();
const BOTH = { promptReported: true, completionReported: true };
import { EventSplitter } from '../http/sse';
import { UsageTap } from './usage-tap';

// ---------------------------------------------------------------------------
// Answers as the Copilot API sends them, byte for byte
// ---------------------------------------------------------------------------

/** `POST /chat/completions` with `stream: true` (the proxy turns `include_usage` on). */
const CHAT_STREAM =
  'data: {"choices":[],"created":0,"id":"","prompt_filter_results":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"prompt_index":0}]}\n\n' +
  'data: {"choices":[{"index":0,"delta":{"content":"","role":"assistant"}}],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14","system_fingerprint":"fp_b3f1157249"}\n\n' +
  'data: {"choices":[{"index":0,"delta":{"content":"Paris is at 18 °C "}}],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14","system_fingerprint":"fp_b3f1157249"}\n\n' +
  'data: {"choices":[{"index":0,"delta":{"content":"and Berlin at 14 °C 🌤️."}}],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14","system_fingerprint":"fp_b3f1157249"}\n\n' +
  'data: {"choices":[{"finish_reason":"stop","index":0,"delta":{"content":null}}],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14","system_fingerprint":"fp_b3f1157249"}\n\n' +
  'data: {"choices":[],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14","system_fingerprint":"fp_b3f1157249","usage":{"completion_tokens":17,"completion_tokens_details":{"accepted_prediction_tokens":0,"rejected_prediction_tokens":0},"prompt_tokens":1843,"prompt_tokens_details":{"cached_tokens":1536},"total_tokens":1860},"copilot_usage":{"token_details":[{"batch_size":1000000,"cost_per_batch":2000000000,"token_count":307,"token_type":"input"},{"batch_size":1000000,"cost_per_batch":500000000,"token_count":1536,"token_type":"cached_input"},{"batch_size":1000000,"cost_per_batch":8000000000,"token_count":17,"token_type":"output"}],"total_nano_aiu":1518000}}\n\n' +
  'data: [DONE]\n\n';

const CHAT_USAGE: Usage = {
  ...BOTH,
  promptTokens: 1843,
  cachedTokens: 1536,
  completionTokens: 17,
  nanoAiu: 1518000,
  model: 'gpt-4.1-2025-04-14',
};

/** The same question, `stream: false`. */
const CHAT_JSON =
  '{"choices":[{"finish_reason":"stop","index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"message":{"content":"Paris is at 18 °C and Berlin at 14 °C 🌤️.","role":"assistant"}}],"created":1764000000,"id":"chatcmpl-Cx7aR","model":"gpt-4.1-2025-04-14","prompt_filter_results":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"prompt_index":0}],"system_fingerprint":"fp_b3f1157249","usage":{"completion_tokens":17,"completion_tokens_details":{"accepted_prediction_tokens":0,"rejected_prediction_tokens":0},"prompt_tokens":1843,"prompt_tokens_details":{"cached_tokens":1536},"total_tokens":1860},"copilot_usage":{"token_details":[{"batch_size":1000000,"cost_per_batch":2000000000,"token_count":307,"token_type":"input"}],"total_nano_aiu":1518000}}';

/** `POST /v1/messages` with `stream: true`. */
const MESSAGES_STREAM =
  'event: message_start\n' +
  'data: {"type":"message_start","message":{"id":"msg_vrtx_01Hk","type":"message","role":"assistant","model":"claude-sonnet-4","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":2048,"output_tokens":1}}}\n\n' +
  'event: content_block_start\n' +
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\n' +
  'data: {"type": "ping"}\n\n' +
  'event: content_block_delta\n' +
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Paris is at 18 °C "}}\n\n' +
  'event: content_block_delta\n' +
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"and Berlin at 14 °C."}}\n\n' +
  'event: content_block_stop\n' +
  'data: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\n' +
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":512,"output_tokens":57,"cache_read_input_tokens":1536},"copilot_usage":{"token_details":[{"batch_size":1000000,"cost_per_batch":3000000000,"token_count":512,"token_type":"input"}],"total_nano_aiu":2832600}}\n\n' +
  'event: message_stop\n' +
  'data: {"type":"message_stop"}\n\n';

const MESSAGES_USAGE: Usage = {
  ...BOTH,
  promptTokens: 512,
  cachedTokens: 1536,
  completionTokens: 57,
  nanoAiu: 2832600,
  model: 'claude-sonnet-4',
};

/** `POST /v1/messages`, `stream: false`. */
const MESSAGES_JSON =
  '{"id":"msg_vrtx_01Hl","type":"message","role":"assistant","model":"claude-sonnet-4","content":[{"type":"text","text":"Paris is at 18 °C and Berlin at 14 °C."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":512,"cache_creation_input_tokens":0,"cache_read_input_tokens":1536,"output_tokens":57}}';

/** `POST /responses` with `stream: true`, ending in `response.completed`. */
const responsesStream = (
  final: 'response.completed' | 'response.incomplete',
  status: string,
) =>
  'event: response.created\n' +
  'data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_68c1","object":"response","created_at":1764000000,"status":"in_progress","model":"gpt-5-mini","output":[],"usage":null}}\n\n' +
  'event: response.in_progress\n' +
  'data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_68c1","object":"response","created_at":1764000000,"status":"in_progress","model":"gpt-5-mini","output":[],"usage":null}}\n\n' +
  'event: response.output_item.added\n' +
  'data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_68c1","type":"message","status":"in_progress","content":[],"role":"assistant"}}\n\n' +
  'event: response.output_text.delta\n' +
  'data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_68c1","output_index":0,"content_index":0,"delta":"Paris is at 18 °C."}\n\n' +
  'event: response.output_text.done\n' +
  'data: {"type":"response.output_text.done","sequence_number":4,"item_id":"msg_68c1","output_index":0,"content_index":0,"text":"Paris is at 18 °C."}\n\n' +
  `event: ${final}\n` +
  `data: {"type":"${final}","sequence_number":5,"response":{"id":"resp_68c1","object":"response","created_at":1764000000,"status":"${status}","model":"gpt-5-mini","output":[{"id":"msg_68c1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"Paris is at 18 °C."}],"role":"assistant"}],"usage":{"input_tokens":3012,"input_tokens_details":{"cached_tokens":2048},"output_tokens":420,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":3432}}}\n\n`;

const RESPONSES_USAGE: Usage = {
  ...BOTH,
  promptTokens: 3012,
  cachedTokens: 2048,
  completionTokens: 420,
  nanoAiu: 0,
  model: 'gpt-5-mini',
};

/** `POST /embeddings`. */
const EMBEDDINGS_JSON =
  '{"data":[{"embedding":[0.0023064255,-0.009327292,-0.0028842222],"index":0,"object":"embedding"}],"model":"text-embedding-3-small","object":"list","usage":{"prompt_tokens":9,"total_tokens":9}}';

// ---------------------------------------------------------------------------
// Feeding a tap
// ---------------------------------------------------------------------------

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Cuts `body` at the given byte offsets. */
const cutAt = (body: Buffer, ...offsets: number[]): Buffer[] => {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, body.length]) {
    chunks.push(Buffer.from(body.subarray(start, offset)));
    start = offset;
  }
  return chunks;
};

/** Chunks of `size` bytes (the last shorter). */
const every = (body: Buffer, size: number): Buffer[] => {
  const offsets: number[] = [];
  for (let at = size; at < body.length; at += size) offsets.push(at);
  return cutAt(body, ...offsets);
};

/** Groups `n` whole events per chunk. */
const eventsPerChunk = (body: Buffer, n: number): Buffer[] => {
  const offsets: number[] = [];
  let count = 0;
  for (
    let at = body.indexOf('\n\n');
    at !== -1;
    at = body.indexOf('\n\n', at + 2)
  ) {
    if (++count % n === 0 && at + 2 < body.length) offsets.push(at + 2);
  }
  return cutAt(body, ...offsets);
};

const tapped = (streaming: boolean, chunks: Buffer[]): Usage => {
  const tap = new UsageTap(streaming);
  for (const chunk of chunks) tap.push(chunk);
  return tap.end();
};

/** Every awkward way a body can arrive, as the socket cuts it. */
const splits = (text: string, mark: string) => {
  const body = bytes(text);
  const at = body.indexOf(mark);
  if (at === -1) throw new Error(`no ${mark} in the body`);
  const eventEnd = body.indexOf('\n\n', at);
  return [
    ['in one chunk', [body]],
    ['one byte at a time', every(body, 1)],
    ['in the middle of the usage event', cutAt(body, at + 3)],
    ['around the usage event', cutAt(body, at - 10, at + 5, at + 40)],
    [
      'between the two newlines ending the usage event',
      cutAt(body, eventEnd + 1),
    ],
    ['in 7-byte chunks (inside multi-byte characters too)', every(body, 7)],
    ['in 64-byte chunks', every(body, 64)],
    ['two events per chunk', eventsPerChunk(body, 2)],
    ['three events per chunk', eventsPerChunk(body, 3)],
  ] as [string, Buffer[]][];
};

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

describe('UsageTap: a streamed chat completion', () => {
  it.each(splits(CHAT_STREAM, '"usage"'))(
    'reads the usage %s',
    (_how, chunks) => {
      expect(tapped(true, chunks)).toEqual(CHAT_USAGE);
    },
  );

  it('counts nothing for a stream cut before its usage event', () => {
    const body = bytes(CHAT_STREAM);
    const usageEvent = body.lastIndexOf('data: {"choices":[],');
    expect(tapped(true, [body.subarray(0, usageEvent)])).toEqual(NO_USAGE);
  });

  it('counts nothing for a stream cut inside its usage event', () => {
    const body = bytes(CHAT_STREAM);
    const cut = body.indexOf('"total_nano_aiu"');
    expect(tapped(true, every(body.subarray(0, cut), 16))).toEqual(NO_USAGE);
  });

  it('counts the usage of a stream cut after its usage event, before [DONE]', () => {
    const body = bytes(CHAT_STREAM);
    const done = body.indexOf('data: [DONE]');
    expect(tapped(true, every(body.subarray(0, done), 32))).toEqual(CHAT_USAGE);
  });

  it('ignores malformed events and reads the good one', () => {
    const body = CHAT_STREAM.replace(
      'data: [DONE]',
      'data: {"usage":{"prompt_tokens":99999,"completion_tokens":\n\n' +
        'data: "usage"\n\n' +
        'data: ["usage",{"prompt_tokens":5}]\n\n' +
        'data: null\n\n' +
        'data: {usage: {prompt_tokens: 7}}\n\n' +
        'data: [DONE]',
    );
    expect(tapped(true, every(bytes(body), 5))).toEqual(CHAT_USAGE);
  });

  it('reads nothing from an event that only mentions usage in its text', () => {
    const event =
      'data: {"choices":[{"index":0,"delta":{"content":"Check the usage page."}}],"created":1764000000,"id":"chatcmpl-Cx7aQ","model":"gpt-4.1-2025-04-14"}\n\n';
    expect(tapped(true, [bytes(event)])).toEqual({
      ...NO_USAGE,
      model: 'gpt-4.1-2025-04-14',
    });
  });

  it('reads usage carried on the finishing chunk itself', () => {
    const body =
      'data: {"choices":[{"index":0,"delta":{"content":"Hi","role":"assistant"}}],"created":1764000000,"id":"chatcmpl-1","model":"claude-sonnet-4"}\n\n' +
      'data: {"choices":[{"finish_reason":"stop","index":0,"delta":{"content":null}}],"created":1764000000,"id":"chatcmpl-1","model":"claude-sonnet-4","usage":{"completion_tokens":3,"prompt_tokens":20,"prompt_tokens_details":{"cached_tokens":0},"total_tokens":23}}\n\n' +
      'data: [DONE]\n\n';
    expect(tapped(true, every(bytes(body), 11))).toEqual({
      ...BOTH,
      promptTokens: 20,
      cachedTokens: 0,
      completionTokens: 3,
      nanoAiu: 0,
      model: 'claude-sonnet-4',
    });
  });
});

describe('UsageTap: an Anthropic messages stream', () => {
  it.each(splits(MESSAGES_STREAM, '"type":"message_delta"'))(
    'takes the final message_delta over message_start %s',
    (_how, chunks) => {
      expect(tapped(true, chunks)).toEqual(MESSAGES_USAGE);
    },
  );

  it('keeps message_start’s input tokens when message_delta has none', () => {
    const body = MESSAGES_STREAM.replace(
      '"usage":{"input_tokens":512,"output_tokens":57,"cache_read_input_tokens":1536}',
      '"usage":{"output_tokens":57}',
    ).replace(/,"copilot_usage":\{.*?"total_nano_aiu":\d+\}/, '');
    expect(tapped(true, every(bytes(body), 13))).toEqual({
      ...BOTH,
      promptTokens: 2048,
      cachedTokens: 0,
      completionTokens: 57,
      nanoAiu: 0,
      model: 'claude-sonnet-4',
    });
  });

  it('reads message_delta alone when message_start has no input tokens', () => {
    const body = MESSAGES_STREAM.replace(
      '"usage":{"input_tokens":2048,"output_tokens":1}',
      '"usage":{"output_tokens":1}',
    );
    expect(tapped(true, [bytes(body)])).toEqual(MESSAGES_USAGE);
  });

  it('counts message_start’s usage when the stream is cut before message_delta', () => {
    const body = bytes(MESSAGES_STREAM);
    const cut = body.indexOf('event: message_delta');
    expect(tapped(true, every(body.subarray(0, cut), 9))).toEqual({
      ...BOTH,
      promptTokens: 2048,
      cachedTokens: 0,
      completionTokens: 1,
      nanoAiu: 0,
      model: 'claude-sonnet-4',
    });
  });
});

describe('UsageTap: a Responses stream', () => {
  it.each(
    splits(
      responsesStream('response.completed', 'completed'),
      '"type":"response.completed"',
    ),
  )('reads response.completed’s usage %s', (_how, chunks) => {
    expect(tapped(true, chunks)).toEqual(RESPONSES_USAGE);
  });

  it('reads response.incomplete’s usage likewise', () => {
    const body = responsesStream('response.incomplete', 'incomplete');
    expect(tapped(true, every(bytes(body), 17))).toEqual(RESPONSES_USAGE);
  });

  it('counts nothing when the stream is cut before response.completed', () => {
    const body = bytes(responsesStream('response.completed', 'completed'));
    const cut = body.indexOf('event: response.completed');
    expect(tapped(true, [body.subarray(0, cut)])).toMatchObject(NO_USAGE);
  });
});

// ---------------------------------------------------------------------------
// Whole (non-streamed) answers
// ---------------------------------------------------------------------------

describe('UsageTap: a non-streamed answer', () => {
  it.each<[string, string, Usage]>([
    ['a chat completion (usage at the top level)', CHAT_JSON, CHAT_USAGE],
    ['an Anthropic message', MESSAGES_JSON, { ...MESSAGES_USAGE, nanoAiu: 0 }],
    [
      'a Responses response',
      '{"id":"resp_68c2","object":"response","created_at":1764000000,"status":"completed","model":"gpt-5-mini","output":[],"usage":{"input_tokens":3012,"input_tokens_details":{"cached_tokens":2048},"output_tokens":420,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":3432}}',
      RESPONSES_USAGE,
    ],
    [
      'an embeddings answer',
      EMBEDDINGS_JSON,
      {
        promptTokens: 9,
        cachedTokens: 0,
        completionTokens: 0,
        nanoAiu: 0,
        promptReported: true,
        completionReported: false,
        model: 'text-embedding-3-small',
      },
    ],
  ])('reads %s in any split', (_case, text, expected) => {
    const body = bytes(text);
    for (const chunks of [
      [body],
      every(body, 1),
      every(body, 7),
      cutAt(body, body.length - 1),
    ]) {
      expect(tapped(false, chunks)).toEqual(expected);
    }
  });

  it.each([
    ['cut short', CHAT_JSON.slice(0, -20)],
    ['not JSON', 'upstream connect error or disconnect/reset before headers'],
    ['empty', ''],
    ['JSON but not an object', '["usage"]'],
  ])('counts nothing for an answer %s', (_case, text) => {
    expect(tapped(false, every(bytes(text), 10))).toEqual(NO_USAGE);
  });

  it('does not parse an answer larger than 8 MiB', () => {
    const padding = 'x'.repeat(8 * 1024 * 1024);
    const body = bytes(
      CHAT_JSON.replace('"created"', `"pad":"${padding}","created"`),
    );
    expect(tapped(false, every(body, 1024 * 1024))).toEqual(NO_USAGE);
  });

  it('parses an answer just under 8 MiB', () => {
    const pad = 8 * 1024 * 1024 - bytes(CHAT_JSON).length - '"pad":"",'.length;
    const body = bytes(
      CHAT_JSON.replace('"created"', `"pad":"${'x'.repeat(pad)}","created"`),
    );
    expect(body.length).toBe(8 * 1024 * 1024);
    expect(tapped(false, every(body, 1024 * 1024))).toEqual(CHAT_USAGE);
  });

  it('gives the same usage when ended twice', () => {
    const tap = new UsageTap(false);
    tap.push(bytes(CHAT_JSON));
    expect(tap.end()).toEqual(CHAT_USAGE);
    expect(tap.end()).toEqual(CHAT_USAGE);
  });
});

// ---------------------------------------------------------------------------
// The bytes pass untouched
// ---------------------------------------------------------------------------

describe('UsageTap: the chunks it is given', () => {
  it.each([
    ['a chat stream', true, CHAT_STREAM],
    ['a messages stream', true, MESSAGES_STREAM],
    [
      'a Responses stream',
      true,
      responsesStream('response.completed', 'completed'),
    ],
    ['a whole answer', false, CHAT_JSON],
  ])('are left as they were (%s)', (_case, streaming, text) => {
    for (const chunks of [
      every(bytes(text), 1),
      every(bytes(text), 29),
      [bytes(text)],
    ]) {
      const before = chunks.map((chunk) => Buffer.from(chunk));
      const tap = new UsageTap(streaming);
      for (const chunk of chunks) tap.push(chunk);
      tap.end();
      expect(chunks).toEqual(before);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
    }
  });

  it.each([
    ['a chat stream', CHAT_STREAM, '"usage"', CHAT_USAGE],
    [
      'a messages stream',
      MESSAGES_STREAM,
      '"type":"message_delta"',
      MESSAGES_USAGE,
    ],
  ])(
    'are not kept once pushed, but for a copy of the partial last event (%s)',
    (_case, text, mark, expected) => {
      const body = bytes(text);
      const at = body.indexOf(mark);
      // The first cut is inside the event's data line, so a view of that
      // chunk, rather than a copy, would read the overwritten bytes.
      const chunks = cutAt(body, at + 10, at + 60, at + 200);
      const tap = new UsageTap(true);
      for (const chunk of chunks) {
        tap.push(chunk);
        // The sender reuses its buffer as soon as the chunk is written.
        chunk.fill(0x7b);
      }
      expect(tap.end()).toEqual(expected);
    },
  );
});

describe('UsageTap: a non-streamed answer in one chunk', () => {
  it('is read where it is, without a copy', () => {
    const concat = jest.spyOn(Buffer, 'concat');
    try {
      const tap = new UsageTap(false);
      tap.push(bytes(CHAT_JSON));
      expect(tap.end()).toEqual(CHAT_USAGE);
      expect(concat).not.toHaveBeenCalled();
    } finally {
      concat.mockRestore();
    }
  });
});

describe('UsageTap: chunks of whole events', () => {
  it.each([
    ['a chat stream', CHAT_STREAM, CHAT_USAGE],
    ['a messages stream', MESSAGES_STREAM, MESSAGES_USAGE],
  ])(
    'are read in place, with the usage and text of the events one by one (%s)',
    (_case, text, expected) => {
      const events = text.split(/(?<=\n\n)/).map(bytes);
      const oneByOne = new UsageTap(true);
      for (const event of events) oneByOne.push(event);
      const pairs = [];
      for (let i = 0; i < events.length; i += 2)
        pairs.push(Buffer.concat(events.slice(i, i + 2)));
      const split = jest.spyOn(EventSplitter.prototype, 'push');
      try {
        const inPlace = new UsageTap(true);
        for (const chunk of pairs) inPlace.push(chunk);
        expect(split).not.toHaveBeenCalled();
        expect(inPlace.end()).toEqual(expected);
        expect(oneByOne.end()).toEqual(expected);
        expect(inPlace.content).toBe(oneByOne.content);
        expect(inPlace.content).toBeGreaterThan(0);
      } finally {
        split.mockRestore();
      }
    },
  );

  it('parse only the lines that mention usage, CR line ends too', () => {
    for (const text of [CHAT_STREAM, CHAT_STREAM.replace(/\n/g, '\r\n')]) {
      const parse = jest.spyOn(JSON, 'parse');
      try {
        const tap = new UsageTap(true);
        tap.push(bytes(text));
        expect(tap.end()).toEqual(CHAT_USAGE);
        const lines = text.split(/\r\n|\n/);
        expect(parse).toHaveBeenCalledTimes(
          lines.filter((line) => line.includes('usage')).length,
        );
        expect(
          lines.filter((l) => l.startsWith('data: {')).length,
        ).toBeGreaterThan(parse.mock.calls.length);
      } finally {
        parse.mockRestore();
      }
    }
  });

  it('read a chunk of many events that mention usage in one pass over its bytes', () => {
    const text = 'data: {"choices":[{"delta":{"content":"usage"}}]}\n\n'.repeat(
      2_000,
    );
    const chunk = bytes(text);
    let searched = 0;
    const { indexOf, lastIndexOf } = Buffer.prototype;
    const forward = jest
      .spyOn(Buffer.prototype, 'indexOf')
      .mockImplementation(function (this: Buffer, value, from, encoding) {
        const at = indexOf.call(this, value, from, encoding);
        const start = typeof from === 'number' ? from : 0;
        searched += (at === -1 ? this.length : at) - start;
        return at;
      });
    const backward = jest
      .spyOn(Buffer.prototype, 'lastIndexOf')
      .mockImplementation(function (this: Buffer, value, from, encoding) {
        const at = lastIndexOf.call(this, value, from, encoding);
        const start = typeof from === 'number' ? from : this.length;
        searched += start - at;
        return at;
      });
    try {
      const tap = new UsageTap(true);
      tap.push(chunk);
      tap.end();
    } finally {
      forward.mockRestore();
      backward.mockRestore();
    }
    // contentBytes reads the chunk once per key it looks for (six), the usage
    // lines once more: a search per line to the chunk's end would be ~1000×.
    expect(searched).toBeLessThanOrEqual(10 * chunk.length);
  });

  it('are split once a partial event is carried, and in place again after', () => {
    const body = bytes(CHAT_STREAM);
    const usageAt = body.indexOf('"usage"');
    const eventEnd = body.indexOf('\n\n', usageAt) + 2;
    const tap = new UsageTap(true);
    for (const chunk of cutAt(body, usageAt, eventEnd)) tap.push(chunk);
    expect(tap.end()).toEqual(CHAT_USAGE);
  });
});

// ---------------------------------------------------------------------------
// readUsage, one document at a time
// ---------------------------------------------------------------------------

const fresh = (): Usage => ({ ...NO_USAGE });

describe('readUsage', () => {
  it.each<[string, unknown, Partial<Usage>]>([
    [
      'a chat completion chunk',
      {
        model: 'gpt-4o',
        usage: {
          prompt_tokens: 10,
          completion_tokens: 2,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      },
      {
        ...BOTH,
        promptTokens: 10,
        completionTokens: 2,
        cachedTokens: 4,
        model: 'gpt-4o',
      },
    ],
    [
      'message_start (usage under message)',
      {
        type: 'message_start',
        message: {
          model: 'claude-sonnet-4',
          usage: { input_tokens: 30, output_tokens: 1 },
        },
      },
      {
        ...BOTH,
        promptTokens: 30,
        completionTokens: 1,
        model: 'claude-sonnet-4',
      },
    ],
    [
      'message_delta',
      {
        type: 'message_delta',
        usage: {
          input_tokens: 5,
          output_tokens: 9,
          cache_read_input_tokens: 25,
        },
        copilot_usage: { total_nano_aiu: 777 },
      },
      {
        ...BOTH,
        promptTokens: 5,
        completionTokens: 9,
        cachedTokens: 25,
        nanoAiu: 777,
      },
    ],
    [
      'response.completed (usage under response)',
      {
        type: 'response.completed',
        response: {
          model: 'gpt-5',
          usage: {
            input_tokens: 40,
            input_tokens_details: { cached_tokens: 8 },
            output_tokens: 6,
          },
        },
      },
      {
        ...BOTH,
        promptTokens: 40,
        cachedTokens: 8,
        completionTokens: 6,
        model: 'gpt-5',
      },
    ],
    [
      'response.incomplete',
      {
        type: 'response.incomplete',
        response: { usage: { input_tokens: 1, output_tokens: 2 } },
      },
      { ...BOTH, promptTokens: 1, completionTokens: 2 },
    ],
    [
      'copilot_usage beside a response',
      {
        type: 'response.completed',
        response: { usage: { input_tokens: 1, output_tokens: 2 } },
        copilot_usage: { total_nano_aiu: 5 },
      },
      { ...BOTH, promptTokens: 1, completionTokens: 2, nanoAiu: 5 },
    ],
  ])('reads %s', (_case, doc, expected) => {
    const into = fresh();
    readUsage(doc, into);
    expect(into).toEqual({ ...NO_USAGE, ...expected });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'usage'],
    ['a list', [{ usage: { prompt_tokens: 1 } }]],
    ['usage null', { usage: null }],
    [
      'counts that are not numbers',
      { usage: { prompt_tokens: '12', completion_tokens: null } },
    ],
    [
      'counts that are not finite',
      { usage: { prompt_tokens: Infinity, completion_tokens: NaN } },
    ],
    ['an empty model', { model: '', usage: {} }],
    [
      'response.created’s null usage',
      { type: 'response.created', response: { usage: null } },
    ],
  ])('leaves the usage alone for %s', (_case, doc) => {
    const into = { ...fresh(), promptTokens: 3, model: 'kept' };
    readUsage(doc, into);
    expect(into).toEqual({ ...NO_USAGE, promptTokens: 3, model: 'kept' });
  });

  it('lets a later document overwrite only what it says', () => {
    const into = fresh();
    readUsage(
      {
        type: 'message_start',
        message: {
          model: 'claude-sonnet-4',
          usage: { input_tokens: 100, output_tokens: 1 },
        },
      },
      into,
    );
    readUsage({ type: 'message_delta', usage: { output_tokens: 40 } }, into);
    expect(into).toEqual({
      ...NO_USAGE,
      ...BOTH,
      promptTokens: 100,
      completionTokens: 40,
      model: 'claude-sonnet-4',
    });
  });
});
