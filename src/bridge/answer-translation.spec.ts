import type { ServerResponse } from 'node:http';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { AnswerTranslation } from './answer-translation';
import { randomIds } from './bridge-ids';
import type { Direction } from './direction';
import { messagesToChat } from './directions/messages-to-chat';

const stackOverflow = () => {
  throw new RangeError('Maximum call stack size exceeded');
};

/** `messages->chat` whose reading or writing of an answer throws, as a body nested past the stack does. */
const throwing: Direction = {
  ...messagesToChat,
  streamReader: () => ({ push: stackOverflow, end: stackOverflow }),
  writeAnswer: stackOverflow,
};

function translation(): AnswerTranslation {
  return new AnswerTranslation(
    throwing,
    { model: 'gemini-2.5-pro', ids: randomIds, includeUsage: false },
    { 'X-Copilot-Bridge': 'messages->chat', 'X-Bad': 'a\u0100' },
    { tryReserve: () => true, release: () => undefined },
  );
}

const upstream = (contentType: string): UpstreamResponse => ({
  status: 200,
  statusMessage: 'OK',
  rawHeaders: ['Content-Type', contentType],
  body: undefined as never,
});

function fakeRes() {
  const res = {
    headersSent: false,
    written: undefined as
      { status: number; headers: Record<string, unknown> } | undefined,
    writeHead(status: number, headers: Record<string, unknown>) {
      res.written = { status, headers };
      res.headersSent = true;
    },
  };
  return res;
}

describe('AnswerTranslation: nothing read from upstream throws out of the relay', () => {
  it('answers a whole answer it cannot write with a 502 in the client shape, headers Node would refuse dropped', () => {
    const res = fakeRes();
    const answer = translation().prepare(
      upstream('application/json'),
      res as unknown as ServerResponse,
    );
    answer.transform.chunk(Buffer.from('{"choices":[]}'));
    const body = answer.transform.end().toString();
    expect(res.written?.status).toBe(502);
    expect(res.written?.headers['X-Bad']).toBeUndefined();
    expect(JSON.parse(body)).toEqual({
      type: 'error',
      error: {
        type: 'api_error',
        message: expect.stringMatching(/could not be translated/),
      },
    });
  });

  it('ends a stream it cannot read with an error event, then writes nothing more', () => {
    const res = fakeRes();
    const answer = translation().prepare(
      upstream('text/event-stream'),
      res as unknown as ServerResponse,
    );
    const first = answer.transform.chunk(Buffer.from('data: {}\n\n'));
    expect(first).toMatch(/^event: error\n/);
    expect(first).toMatch(/could not be translated/);
    expect(answer.transform.chunk(Buffer.from('data: {}\n\n'))).toBe('');
    expect(answer.transform.end()).toBe('');
  });
});
