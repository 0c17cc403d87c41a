import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { PipeOutcome, StreamPipe } from './stream-pipe';

const IDLE_MS = 1_000;

/** The upstream body: a PassThrough with IncomingMessage's `complete` flag. */
type FakeBody = PassThrough & { complete: boolean };

/** The client response: records writes; `accepting` false simulates a full socket. */
class FakeResponse extends EventEmitter {
  accepting = true;
  readonly written: Buffer[] = [];
  readonly write = jest.fn((chunk: Buffer): boolean => {
    this.written.push(chunk);
    return this.accepting;
  });
  readonly end = jest.fn();
  readonly destroy = jest.fn();

  text(): string {
    return Buffer.concat(this.written).toString();
  }
}

/** Lets the streams' nextTick/setImmediate work run (those are not faked). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StreamPipe', () => {
  let body: FakeBody;
  let res: FakeResponse;
  let onDone: jest.Mock<void, [PipeOutcome, number]>;

  beforeEach(() => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    body = Object.assign(new PassThrough(), { complete: false });
    res = new FakeResponse();
    onDone = jest.fn();
    new StreamPipe(
      body as unknown as IncomingMessage,
      res as unknown as ServerResponse,
      IDLE_MS,
      onDone,
    ).start();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes each chunk as it arrives and counts the bytes', async () => {
    body.write('data: one\n\n');
    await flush();
    expect(res.write).toHaveBeenCalledTimes(1);
    expect(res.text()).toBe('data: one\n\n');

    body.write('data: two\n\n');
    await flush();
    expect(res.write).toHaveBeenCalledTimes(2);
    expect(res.text()).toBe('data: one\n\ndata: two\n\n');
    expect(onDone).not.toHaveBeenCalled();

    body.complete = true;
    body.end();
    await flush();
    expect(onDone).toHaveBeenCalledWith('complete', 22);
  });

  it("ends the response on the upstream's end with outcome 'complete'", async () => {
    body.write('abc');
    body.complete = true;
    body.end();
    await flush();
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith('complete', 3);
    expect(res.end).toHaveBeenCalledTimes(1);
    expect(res.destroy).not.toHaveBeenCalled();
    expect(res.listenerCount('drain')).toBe(0);
  });

  it('cuts both sides when the upstream stays silent past the idle timeout', async () => {
    jest.advanceTimersByTime(IDLE_MS - 1);
    expect(onDone).not.toHaveBeenCalled();

    jest.advanceTimersByTime(1);
    expect(onDone).toHaveBeenCalledWith('idle_timeout', 0);
    expect(body.destroyed).toBe(true);
    expect(res.destroy).toHaveBeenCalledTimes(1);
    expect(res.end).not.toHaveBeenCalled();
  });

  it('restarts the idle timer with every chunk', async () => {
    jest.advanceTimersByTime(IDLE_MS * 0.6);
    body.write('x');
    await flush();
    jest.advanceTimersByTime(IDLE_MS * 0.6);
    expect(onDone).not.toHaveBeenCalled();

    jest.advanceTimersByTime(IDLE_MS * 0.4);
    expect(onDone).toHaveBeenCalledWith('idle_timeout', 1);
    expect(res.destroy).toHaveBeenCalled();
  });

  it('does not time out while the client is slow (paused on backpressure)', async () => {
    res.accepting = false;
    body.write('first');
    await flush();
    expect(body.isPaused()).toBe(true);

    jest.advanceTimersByTime(IDLE_MS * 10);
    expect(onDone).not.toHaveBeenCalled();
    expect(res.destroy).not.toHaveBeenCalled();
    expect(body.destroyed).toBe(false);

    // Once the client drains, silence from the upstream counts again.
    res.accepting = true;
    res.emit('drain');
    jest.advanceTimersByTime(IDLE_MS - 1);
    expect(onDone).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onDone).toHaveBeenCalledWith('idle_timeout', 5);
  });

  it('pauses the upstream on backpressure and resumes it on drain', async () => {
    res.accepting = false;
    body.write('one');
    await flush();
    expect(body.isPaused()).toBe(true);

    body.write('two');
    await flush();
    expect(res.text()).toBe('one');

    res.accepting = true;
    res.emit('drain');
    await flush();
    expect(body.isPaused()).toBe(false);
    expect(res.text()).toBe('onetwo');

    body.complete = true;
    body.end();
    await flush();
    expect(onDone).toHaveBeenCalledWith('complete', 6);
  });

  it('ignores a drain when the upstream was not paused', async () => {
    body.write('abc');
    await flush();
    body.pause();
    res.emit('drain');
    await flush();
    expect(body.isPaused()).toBe(true);
  });

  it("reports 'upstream_reset' and destroys the response on an upstream error", async () => {
    body.write('partial');
    await flush();
    body.destroy(new Error('socket hang up'));
    await flush();
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith('upstream_reset', 7);
    expect(res.destroy).toHaveBeenCalledTimes(1);
    expect(res.end).not.toHaveBeenCalled();
  });

  it("reports 'upstream_reset' when the upstream closes before it is complete", async () => {
    body.write('partial');
    await flush();
    body.complete = false;
    body.destroy();
    await flush();
    expect(onDone).toHaveBeenCalledWith('upstream_reset', 7);
    expect(res.destroy).toHaveBeenCalledTimes(1);
    expect(res.end).not.toHaveBeenCalled();
  });

  it('does not treat the close after a complete body as a reset', async () => {
    body.write('all');
    body.complete = true;
    body.end();
    await flush();
    body.destroy();
    await flush();
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith('complete', 3);
    expect(res.destroy).not.toHaveBeenCalled();
  });

  it("reports 'client_closed' and destroys the upstream body when the client goes away", async () => {
    body.write('some');
    await flush();
    res.emit('close');
    expect(onDone).toHaveBeenCalledWith('client_closed', 4);
    expect(body.destroyed).toBe(true);
    expect(res.destroy).not.toHaveBeenCalled();

    // The idle timer was cleared with the pipe.
    jest.advanceTimersByTime(IDLE_MS * 5);
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('calls onDone exactly once whatever follows the first outcome', async () => {
    jest.advanceTimersByTime(IDLE_MS);
    await flush();
    res.emit('close');
    body.emit('error', new Error('late'));
    body.emit('close');
    res.emit('drain');
    jest.advanceTimersByTime(IDLE_MS * 5);
    await flush();
    expect(onDone).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith('idle_timeout', 0);
    expect(res.destroy).toHaveBeenCalledTimes(1);
  });
});
