import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { AbortError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { EventWriter } from './event-writer.js';

/** The parts of a ServerResponse the writer uses, recording every write. */
class FakeResponse extends EventEmitter {
  writes: string[] = [];
  ended: string | undefined;
  trailers: Record<string, string> | undefined;
  destroyed = false;
  writableEnded = false;
  writableNeedDrain = false;
  /** What `write` returns (false: the socket buffer is full). */
  accepts = true;
  write(data: string): boolean {
    this.writes.push(data);
    if (!this.accepts) this.writableNeedDrain = true;
    return this.accepts;
  }
  addTrailers(trailers: Record<string, string>): void {
    this.trailers = trailers;
  }
  end(data: string): void {
    this.ended = data;
    this.writableEnded = true;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function writer(): { res: FakeResponse; out: EventWriter } {
  const res = new FakeResponse();
  return { res, out: new EventWriter(res as unknown as ServerResponse) };
}

describe('EventWriter', () => {
  it('writes the first event at once, then the events of one turn in one write', async () => {
    const { res, out } = writer();
    expect(out.write('a')).toBeUndefined();
    expect(res.writes).toEqual(['a']);
    for (const e of ['b', 'c', 'd']) expect(out.write(e)).toBeUndefined();
    expect(res.writes).toEqual(['a']);
    await turn();
    expect(res.writes).toEqual(['a', 'bcd']);
    out.write('e');
    await turn();
    expect(res.writes).toEqual(['a', 'bcd', 'e']);
  });

  it('ends with what is still queued, the tail and the trailers; the pending turn writes nothing more', async () => {
    const { res, out } = writer();
    out.write('a');
    out.write('b');
    out.end('tail', { 'x-lifeline-attempts': '1' });
    expect(res.ended).toBe('btail');
    expect(res.trailers).toEqual({ 'x-lifeline-attempts': '1' });
    await turn();
    expect(res.writes).toEqual(['a']);
  });

  it('asks the caller to wait when the socket buffer is full, until it drains or closes', async () => {
    const { res, out } = writer();
    res.accepts = false;
    const first = out.write('a');
    expect(first).toBeInstanceOf(Promise);
    let drained = false;
    void first!.then(() => (drained = true));
    await turn();
    expect(drained).toBe(false);
    res.emit('drain');
    await first;
    expect(res.listenerCount('drain') + res.listenerCount('close')).toBe(0);

    const second = out.write('b');
    expect(second).toBeInstanceOf(Promise);
    res.emit('close');
    await second;
    expect(res.listenerCount('drain') + res.listenerCount('close')).toBe(0);
  });

  it('throws an AbortError once the client is gone, and drops what was queued', async () => {
    const { res, out } = writer();
    out.write('a');
    out.write('b');
    res.destroyed = true;
    expect(() => out.write('c')).toThrow(AbortError);
    expect(() => out.write('c')).toThrow('The client disconnected during the stream');
    await turn();
    expect(res.writes).toEqual(['a']);
  });
});

describe('EventWriter.finishing', () => {
  it('holds the last batch one more turn, so the end that follows carries it in the same write', async () => {
    const { res, out } = writer();
    out.write('a');
    out.write('b');
    out.finishing();
    await turn();
    expect(res.writes).toEqual(['a']);
    out.end('tail', {});
    expect(res.ended).toBe('btail');
    await turn();
    expect(res.writes).toEqual(['a']);
  });

  it('holds it one turn at most when the end does not come', async () => {
    const { res, out } = writer();
    out.write('a');
    out.finishing();
    out.write('b');
    await turn();
    expect(res.writes).toEqual(['a']);
    await turn();
    expect(res.writes).toEqual(['a', 'b']);
    out.write('c');
    await turn();
    expect(res.writes).toEqual(['a', 'b', 'c']);
  });
});

describe('EventWriter: queue() and send()', () => {
  it('writes the first event at once, queues the ones ready together, and send() writes them at once in one write', async () => {
    const { res, out } = writer();
    expect(out.queue('a')).toBeUndefined();
    expect(res.writes).toEqual(['a']);
    out.queue('b');
    out.queue('c');
    expect(res.writes).toEqual(['a']);
    expect(out.send()).toBeUndefined();
    expect(res.writes).toEqual(['a', 'bc']); // no wait for the end of the turn
    expect(out.send()).toBeUndefined(); // nothing queued: nothing written
    await turn();
    expect(res.writes).toEqual(['a', 'bc']); // nothing was scheduled
  });

  it('send() asks the caller to wait when the socket buffer is full, until it drains', async () => {
    const { res, out } = writer();
    out.queue('a');
    out.queue('b');
    res.accepts = false;
    const wait = out.send();
    expect(wait).toBeInstanceOf(Promise);
    let drained = false;
    void wait!.then(() => (drained = true));
    await turn();
    expect(drained).toBe(false);
    res.writableNeedDrain = false;
    res.emit('drain');
    await turn();
    expect(drained).toBe(true);
  });

  it('finishing: send() holds the last batch for the end, one turn at most', async () => {
    const { res, out } = writer();
    out.queue('a');
    out.finishing();
    out.queue('b');
    out.send();
    expect(res.writes).toEqual(['a']);
    await turn();
    expect(res.writes).toEqual(['a']);
    out.end('tail', {});
    expect(res.ended).toBe('btail');
    const late = writer();
    late.out.queue('a');
    late.out.finishing();
    late.out.queue('b');
    late.out.send();
    await turn();
    await turn();
    expect(late.res.writes).toEqual(['a', 'b']);
  });

  it('queue() throws an AbortError once the client is gone; send() then writes nothing', () => {
    const { res, out } = writer();
    out.queue('a');
    out.queue('b');
    res.destroyed = true;
    expect(() => out.queue('c')).toThrow(new AbortError('The client disconnected during the stream'));
    expect(out.send()).toBeUndefined();
    expect(res.writes).toEqual(['a']);
  });
});
