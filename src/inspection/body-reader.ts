import { Readable } from 'node:stream';
import type { ByteBudget } from '../common/byte-budget';

/** What a reading may reserve its bytes in. */
export type ReadBudget = Pick<ByteBudget, 'tryReserve' | 'release'>;
import { ProxyError } from '../errors/proxy-error';

export type ReadBody =
  /** The whole body, no longer than the limit. */
  | { bytes: Buffer }
  /** Longer than the limit: the same bytes as a stream, what was read first included. */
  | { stream: Readable };

/**
 * Reads a request body up to `limit` bytes, each chunk reserved in `budget` when
 * one is given. Past the limit (or the budget) it stops reading, gives the budget
 * back, and hands back a stream that replays what was read and then the rest,
 * untouched. A body read whole keeps its reservation: the caller releases it.
 */
export function readBodyUpTo(
  source: Readable,
  limit: number,
  budget?: ReadBudget,
): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('aborted', onError);
      source.off('close', onClose);
    };
    let reserved = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= limit && (!budget || budget.tryReserve(chunk.length))) {
        reserved += chunk.length;
        return;
      }
      budget?.release(reserved);
      source.pause();
      cleanup();
      // Until the stream is read, an error must not go unheard; the reader sees it then.
      source.on('error', () => undefined);
      resolve({ stream: Readable.from(prepend(chunks, source)) });
    };
    const onEnd = () => {
      cleanup();
      resolve({
        bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
      });
    };
    const onError = () => {
      budget?.release(reserved);
      cleanup();
      reject(
        new ProxyError('client_closed', {
          detail: 'client went away while its body was read',
        }),
      );
    };
    const onClose = () => {
      if (!source.readableEnded) onError();
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('close', onClose);
    source.once('error', onError);
    source.once('aborted', onError);
  });
}

async function* prepend(
  head: Buffer[],
  rest: Readable,
): AsyncGenerator<Buffer> {
  yield* head;
  for await (const chunk of rest) yield chunk as Buffer;
}
