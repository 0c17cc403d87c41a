import { PassThrough, Readable, Writable } from 'node:stream';
import { ByteBudget } from '../common/byte-budget';
import { ReplayableBody } from './replayable-body';

const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
};

/** A body of `count` chunks of `size` bytes, each chunk a different byte. */
const chunksOf = (count: number, size: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 256));

const feed = (source: PassThrough, chunks: Buffer[]): void => {
  for (const chunk of chunks) source.write(chunk);
  source.end();
};

describe('ReplayableBody', () => {
  let budget: ByteBudget;

  beforeEach(() => {
    budget = new ByteBudget(64 * 1024 * 1024);
  });

  it('passes the bytes through unchanged', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024, budget);
    const chunks = [Buffer.from('{"model":'), Buffer.from('"gpt-4o"}')];
    const read = collect(body);
    feed(source, chunks);
    expect((await read).toString()).toBe('{"model":"gpt-4o"}');
  });

  it('passes a body larger than the limit through unchanged too', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 10, budget);
    const chunks = chunksOf(8, 64);
    const read = collect(body);
    feed(source, chunks);
    expect((await read).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('replays the same bytes when the body is under the limit', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024, budget);
    const chunks = [Buffer.from('hello '), Buffer.from('wörld')];
    const first = collect(body);
    feed(source, chunks);
    expect((await first).toString()).toBe('hello wörld');

    const replayed = await body.replay();
    expect(replayed).toBeDefined();
    expect((await collect(replayed!)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('replays the whole body when the first consumer stopped half way', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024 * 1024, budget);
    const chunks = chunksOf(100, 1024);
    let received = 0;
    // An upstream that reads one chunk, then never asks for more.
    const stalled = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, _callback) {
        received += chunk.length;
      },
    });
    body.pipe(stalled);
    feed(source, chunks);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(100 * 1024);

    const replayed = await body.replay();
    expect(replayed).toBeDefined();
    expect((await collect(replayed!)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('replays a body of exactly the limit', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 16, budget);
    const read = collect(body);
    feed(source, [Buffer.alloc(8, 1), Buffer.alloc(8, 2)]);
    await read;
    const replayed = await body.replay();
    expect(replayed).toBeDefined();
    expect((await collect(replayed!)).length).toBe(16);
  });

  it('resolves undefined when the body exceeded the limit', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 16, budget);
    const read = collect(body);
    feed(source, [Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(1)]);
    await read;
    await expect(body.replay()).resolves.toBeUndefined();
  });

  it('resolves undefined when the first consumer never read a too-large body', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 100, budget);
    feed(source, chunksOf(4, 64));
    await expect(body.replay()).resolves.toBeUndefined();
  });

  it('resolves undefined when the source errored', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024, budget);
    source.write('partial');
    const replay = body.replay();
    source.destroy(new Error('ECONNRESET'));
    await expect(replay).resolves.toBeUndefined();
  });

  it('resolves undefined when the client aborted the request', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024, budget);
    source.write('partial');
    const replay = body.replay();
    source.emit('aborted');
    await expect(replay).resolves.toBeUndefined();
  });
  it('holds the kept bytes in the budget until discarded', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 1024, budget);
    const read = collect(body);
    feed(source, [Buffer.alloc(100), Buffer.alloc(50)]);
    await read;
    expect(budget.heldBytes).toBe(150);
    expect(body.kept).toBe(true);

    body.discard();
    expect(budget.heldBytes).toBe(0);
    expect(body.kept).toBe(false);
    await expect(body.replay()).resolves.toBeUndefined();
    body.discard();
    expect(budget.heldBytes).toBe(0);
  });

  it('gives its bytes back when the body outgrows the limit', async () => {
    const source = new PassThrough();
    const body = new ReplayableBody(source, 100, budget);
    const read = collect(body);
    feed(source, [Buffer.alloc(60), Buffer.alloc(60)]);
    await read;
    expect(budget.heldBytes).toBe(0);
    expect(body.kept).toBe(false);
  });

  it('keeps no copy when the shared budget is spent, yet streams the body', async () => {
    const small = new ByteBudget(100);
    const first = new PassThrough();
    const firstBody = new ReplayableBody(first, 1024, small);
    const firstRead = collect(firstBody);
    feed(first, [Buffer.alloc(80)]);
    await firstRead;

    const second = new PassThrough();
    const secondBody = new ReplayableBody(second, 1024, small);
    const secondRead = collect(secondBody);
    feed(second, [Buffer.alloc(30, 7)]);
    expect((await secondRead).equals(Buffer.alloc(30, 7))).toBe(true);
    await expect(secondBody.replay()).resolves.toBeUndefined();
    expect(small.heldBytes).toBe(80);

    // The first body's copy is intact and replays.
    const replayed = await firstBody.replay();
    expect((await collect(replayed!)).length).toBe(80);
  });
});
