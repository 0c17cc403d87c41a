import { PassThrough, Readable } from 'node:stream';
import { ProxyError } from '../errors/proxy-error';
import { ReadBody, readBodyUpTo } from './body-reader';

const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
};

/** `count` chunks of `size` bytes, each chunk a different byte value. */
const chunksOf = (count: number, size: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => Buffer.alloc(size, (i * 7) % 256));

/** Byte equality without Jest's slow element-by-element diff of big buffers. */
const expectSameBytes = (actual: Buffer, expected: Buffer): void => {
  expect(actual.length).toBe(expected.length);
  const firstDifference = actual.findIndex((byte, i) => byte !== expected[i]);
  expect(firstDifference).toBe(-1);
};

const bytesOf = (read: ReadBody): Buffer => {
  if (!('bytes' in read)) throw new Error('expected the whole body as bytes');
  return read.bytes;
};

const streamOf = (read: ReadBody): Readable => {
  if (!('stream' in read)) throw new Error('expected a stream');
  return read.stream;
};

/** Settles to 'pending' when `promise` has not settled within `ms`. */
const settledWithin = <T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | 'pending'> =>
  Promise.race([
    promise,
    new Promise<'pending'>((resolve) =>
      setTimeout(() => resolve('pending'), ms),
    ),
  ]);

/**
 * A client uploading slowly: one chunk every `intervalMs`, counting what it
 * has produced so far.
 */
class SlowSource extends Readable {
  produced = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly chunks: Buffer[],
    private readonly intervalMs: number,
  ) {
    // A small buffer, as a socket under backpressure: a paused source stops
    // being pulled once one chunk waits in it.
    super({ highWaterMark: chunks[0]?.length ?? 16 });
  }

  override _read(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.produced === this.chunks.length) {
        this.push(null);
        return;
      }
      this.push(this.chunks[this.produced++]);
    }, this.intervalMs);
  }

  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    clearTimeout(this.timer);
    callback(error);
  }
}

describe('readBodyUpTo', () => {
  describe('a body within the limit', () => {
    it('resolves the bytes of several chunks unchanged', async () => {
      const source = new PassThrough();
      const chunks = [
        Buffer.from('{"model":"gpt-4o",'),
        Buffer.from('"messages":[{"role":"user","content":"h'),
        // 'é' split across two chunks: bytes, not characters, are kept.
        Buffer.from([0xc3]),
        Buffer.from([0xa9, 0x22, 0x7d, 0x5d, 0x7d]),
      ];
      const read = readBodyUpTo(source, 1024);
      for (const chunk of chunks) source.write(chunk);
      source.end();
      const bytes = bytesOf(await read);
      expectSameBytes(bytes, Buffer.concat(chunks));
      expect(JSON.parse(bytes.toString('utf8'))).toEqual({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hé' }],
      });
    });

    it('resolves many binary chunks unchanged', async () => {
      const source = new PassThrough();
      const chunks = chunksOf(40, 100);
      const read = readBodyUpTo(source, 4000);
      for (const chunk of chunks) source.write(chunk);
      source.end();
      expectSameBytes(bytesOf(await read), Buffer.concat(chunks));
    });

    it('resolves a single chunk unchanged', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 1024);
      source.end(Buffer.from('{"input":"hi"}'));
      expect(bytesOf(await read).toString()).toBe('{"input":"hi"}');
    });

    it('resolves an empty body as empty bytes', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 1024);
      source.end();
      const bytes = bytesOf(await read);
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect(bytes.length).toBe(0);
    });

    it('resolves an empty body as bytes with a limit of 0', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 0);
      source.end();
      expect(bytesOf(await read).length).toBe(0);
    });

    it('resolves a body exactly as long as the limit as bytes', async () => {
      const source = new PassThrough();
      const chunks = chunksOf(4, 25);
      const read = readBodyUpTo(source, 100);
      for (const chunk of chunks) source.write(chunk);
      source.end();
      expectSameBytes(bytesOf(await read), Buffer.concat(chunks));
    });

    it('reads a slow upload to its end', async () => {
      const chunks = chunksOf(5, 10);
      const source = new SlowSource(chunks, 2);
      expectSameBytes(
        bytesOf(await readBodyUpTo(source, 1024)),
        Buffer.concat(chunks),
      );
    });
  });

  describe('a body over the limit', () => {
    it('resolves a stream once one byte is over the limit', async () => {
      const source = new PassThrough();
      const chunks = [...chunksOf(4, 25), Buffer.from('!')];
      const read = readBodyUpTo(source, 100);
      for (const chunk of chunks) source.write(chunk);
      source.end();
      const stream = streamOf(await read);
      expectSameBytes(await collect(stream), Buffer.concat(chunks));
    });

    it('streams the same bytes: what was read first, then the rest', async () => {
      const source = new PassThrough();
      const chunks = chunksOf(50, 1000);
      const read = readBodyUpTo(source, 2500);
      for (const chunk of chunks) source.write(chunk);
      source.end();
      const stream = streamOf(await read);
      expectSameBytes(await collect(stream), Buffer.concat(chunks));
    });

    it('streams a first chunk far over the limit unchanged', async () => {
      const source = new PassThrough();
      const big = Buffer.alloc(256 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
      const read = readBodyUpTo(source, 10);
      source.end(big);
      expectSameBytes(await collect(streamOf(await read)), big);
    });

    it('resolves before the client has sent the whole body', async () => {
      const source = new PassThrough();
      const head = chunksOf(3, 100);
      const read = readBodyUpTo(source, 150);
      for (const chunk of head) source.write(chunk);

      // The source has not ended, yet the reader has given up buffering.
      const settled = await settledWithin(read, 1000);
      expect(settled).not.toBe('pending');
      expect(source.readableEnded).toBe(false);
      const stream = streamOf(settled as ReadBody);

      const tail = [0xa0, 0xb0, 0xc0, 0xd0].map((byte) =>
        Buffer.alloc(100, byte),
      );
      const body = collect(stream);
      for (const chunk of tail) source.write(chunk);
      source.end();
      expectSameBytes(await body, Buffer.concat([...head, ...tail]));
    });

    it('does not read a slow upload to its end before resolving', async () => {
      const chunks = chunksOf(20, 100);
      const source = new SlowSource(chunks, 5);
      const read = await readBodyUpTo(source, 250);
      const producedAtResolve = source.produced;
      expect(producedAtResolve).toBeGreaterThanOrEqual(3);
      expect(producedAtResolve).toBeLessThan(chunks.length);
      expect(source.readableEnded).toBe(false);

      expectSameBytes(await collect(streamOf(read)), Buffer.concat(chunks));
      expect(source.produced).toBe(chunks.length);
    });

    it('stops pulling from the source until the stream is read', async () => {
      const chunks = chunksOf(20, 100);
      const source = new SlowSource(chunks, 2);
      const read = await readBodyUpTo(source, 250);
      const producedAtResolve = source.produced;
      // Nobody reads the stream for a while: the upload is not drained into memory.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(source.produced - producedAtResolve).toBeLessThanOrEqual(2);
      expect(source.produced).toBeLessThan(chunks.length);
      expectSameBytes(await collect(streamOf(read)), Buffer.concat(chunks));
    });

    it('surfaces a source error on the stream handed back', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 10);
      const head = Buffer.alloc(20, 1);
      source.write(head);
      const stream = streamOf(await read);
      const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await chunks.next();
      expect(first.value).toEqual(head);
      // Once the head is replayed the stream reads the source itself.
      await new Promise((resolve) => setImmediate(resolve));
      source.destroy(new Error('socket hang up'));
      await expect(chunks.next()).rejects.toThrow('socket hang up');
    });
  });

  describe('a client that goes away', () => {
    it('rejects with client_closed when the source errors', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 1024);
      source.write(Buffer.from('{"model":'));
      source.destroy(new Error('ECONNRESET'));
      await expect(read).rejects.toBeInstanceOf(ProxyError);
      await expect(read).rejects.toMatchObject({
        code: 'client_closed',
        status: 499,
      });
    });

    it('rejects with client_closed when the source errors before any data', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 1024);
      source.destroy(new Error('ECONNRESET'));
      await expect(read).rejects.toMatchObject({ code: 'client_closed' });
    });

    it('rejects with client_closed when the source emits aborted', async () => {
      const source = new PassThrough();
      const read = readBodyUpTo(source, 1024);
      source.write(Buffer.from('{"model":'));
      setImmediate(() => source.emit('aborted'));
      const error: unknown = await read.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProxyError);
      expect((error as ProxyError).code).toBe('client_closed');
      expect((error as ProxyError).status).toBe(499);
    });

    it('rejects with client_closed when a slow upload errors midway', async () => {
      const source = new SlowSource(chunksOf(10, 10), 2);
      const read = readBodyUpTo(source, 1024);
      setTimeout(() => source.destroy(new Error('ECONNRESET')), 8);
      await expect(read).rejects.toMatchObject({ code: 'client_closed' });
    });

    it('leaves no listeners of its own on the source once settled', async () => {
      const source = new PassThrough();
      const before = {
        data: source.listenerCount('data'),
        end: source.listenerCount('end'),
        error: source.listenerCount('error'),
        aborted: source.listenerCount('aborted'),
      };
      const read = readBodyUpTo(source, 1024);
      source.end(Buffer.from('{}'));
      await read;
      expect({
        data: source.listenerCount('data'),
        end: source.listenerCount('end'),
        error: source.listenerCount('error'),
        aborted: source.listenerCount('aborted'),
      }).toEqual(before);
    });
  });
});
