import { RequestContext } from './request-context';
import { parseTarget } from './request-target';

const contextFor = () =>
  new RequestContext('r1', 'POST', parseTarget('/chat/completions'));

describe('RequestContext as the caller signal', () => {
  it('is the signal itself, not aborted while the client stays', () => {
    const context = contextFor();
    expect(context.signal).toBe(context);
    expect(context.aborted).toBe(false);
  });

  it('runs each abort listener once when the client hangs up', () => {
    const context = contextFor();
    const first = jest.fn();
    const second = jest.fn();
    context.addEventListener('abort', first);
    context.addEventListener('abort', second);
    context.clientClosed();
    context.clientClosed();
    expect(context.aborted).toBe(true);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('does not run a removed listener', () => {
    const context = contextFor();
    const removed = jest.fn();
    const kept = jest.fn();
    context.addEventListener('abort', removed);
    context.addEventListener('abort', kept);
    context.removeEventListener('abort', removed);
    context.clientClosed();
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('never runs a listener added after the client left (as an AbortSignal)', () => {
    const context = contextFor();
    context.clientClosed();
    const late = jest.fn();
    context.addEventListener('abort', late);
    context.clientClosed();
    expect(late).not.toHaveBeenCalled();
  });
});
