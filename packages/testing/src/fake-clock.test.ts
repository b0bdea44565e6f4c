import { type Clock, createClient, sleep, TimeoutError } from '@lifeline/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fakeClock } from './fake-clock.js';
import { flush } from './flush.js';
import { scriptedAdapter } from './scripted-adapter.js';

/** Sleeps on the clock `times` times, recording the time after each wake-up (a promise chain between timers). */
async function ticker(clock: Clock, ms: number, times: number, seen: number[]): Promise<void> {
  for (let i = 0; i < times; i++) {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    await Promise.resolve();
    seen.push(clock.now());
  }
}

describe('fakeClock: time and timers', () => {
  it('starts at startMs (default 0) and moves only on advance()/set()', () => {
    expect(fakeClock().now()).toBe(0);
    const clock = fakeClock(1_000_000);
    expect(clock.now()).toBe(1_000_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_000_250);
    clock.set(5);
    expect(clock.now()).toBe(5);
  });

  it('is a core Clock', () => {
    expectTypeOf(fakeClock()).toMatchTypeOf<Clock>();
  });

  it('fires due timers in time order, ties in scheduling order, each at its own time', () => {
    const clock = fakeClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['b1', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['b2', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 301);
    clock.advance(300);
    expect(fired).toEqual([['a', 100], ['b1', 200], ['b2', 200], ['c', 300]]);
    expect(clock.now()).toBe(300);
    expect(clock.pending()).toBe(1);
  });

  it('fires timers scheduled by fired timers when they fall due within the same advance', () => {
    const clock = fakeClock(0);
    const fired: number[] = [];
    const every = (ms: number) => clock.setTimeout(() => {
      fired.push(clock.now());
      every(ms);
    }, ms);
    every(400);
    clock.setTimeout(() => clock.setTimeout(() => fired.push(-clock.now()), 0), 500);
    clock.advance(1_000);
    expect(fired).toEqual([400, -500, 800]);
    expect(clock.pending()).toBe(1);
    expect(clock.delays).toEqual([400, 500, 400, 0, 400]);
  });

  it('clearTimeout cancels (also from another timer due at the same time); unknown handles are ignored', () => {
    const clock = fakeClock(0);
    const fired: string[] = [];
    let b: number | undefined;
    clock.setTimeout(() => {
      fired.push('a');
      clock.clearTimeout(b);
    }, 100);
    b = clock.setTimeout(() => fired.push('b'), 100);
    clock.setTimeout(() => fired.push('c'), 200);
    const first = clock.setTimeout(() => fired.push('never'), 50);
    clock.clearTimeout(first);
    clock.clearTimeout('nope');
    clock.clearTimeout(undefined);
    expect(clock.pending()).toBe(3);
    clock.advance(100);
    expect(fired).toEqual(['a']);
    expect(clock.pending()).toBe(1);
    clock.advance(100);
    expect(fired).toEqual(['a', 'c']);
    expect(clock.pending()).toBe(0);
  });

  it('treats negative and NaN delays as 0 and records every requested delay as given', () => {
    const clock = fakeClock(10);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), -5);
    clock.setTimeout(() => fired.push(clock.now()), Number.NaN);
    clock.advance(0);
    expect(fired).toEqual([10, 10]);
    expect(clock.delays).toEqual([-5, Number.NaN]);
  });

  it('set() moves time without firing timers', () => {
    const clock = fakeClock(0);
    let fired = false;
    clock.setTimeout(() => (fired = true), 100);
    clock.set(1_000);
    expect(fired).toBe(false);
    clock.advance(0);
    expect(fired).toBe(true);
  });

  it.each([
    [() => fakeClock(0).advance(-1), 'fakeClock.advance: ms must be a non-negative finite number, got -1'],
    [() => fakeClock(0).advance(Number.POSITIVE_INFINITY), 'fakeClock.advance: ms must be a non-negative finite number, got Infinity'],
    [() => fakeClock(0).set(Number.NaN), 'fakeClock.set: ms must be a finite number, got NaN'],
    [() => fakeClock(Number.NaN), 'fakeClock: startMs must be a finite number, got NaN'],
    [() => fakeClock(0, { turns: 1.5 }), 'fakeClock: turns must be a non-negative integer, got 1.5'],
  ])('rejects invalid input: %#', (fn, message) => {
    expect(fn).toThrow(RangeError);
    expect(fn).toThrow(message);
  });
});

describe('fakeClock: async helpers', () => {
  it('advance() fires only what is due now; advanceAsync() lets promise chains schedule their next timer', async () => {
    const sync = fakeClock(0);
    const seenSync: number[] = [];
    void ticker(sync, 100, 3, seenSync);
    sync.advance(300);
    await flush();
    // Only the first timer was due while advance() ran; the chain scheduled the second one after it.
    expect(seenSync).toEqual([300]);
    expect(sync.pending()).toBe(1);

    const clock = fakeClock(0);
    const seen: number[] = [];
    const done = ticker(clock, 100, 3, seen);
    await clock.advanceAsync(250);
    expect(seen).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
    await clock.advanceAsync(50);
    await done;
    expect(seen).toEqual([100, 200, 300]);
    expect(clock.delays).toEqual([100, 100, 100]);
  });

  it('rejects a negative advanceAsync', async () => {
    await expect(fakeClock(0).advanceAsync(-1)).rejects.toThrow(new RangeError('fakeClock.advanceAsync: ms must be a non-negative finite number, got -1'));
  });

  it('advanceToNext() jumps to the earliest timer and fires everything due then', async () => {
    const clock = fakeClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('x'), 700);
    clock.setTimeout(() => fired.push('y'), 700);
    clock.setTimeout(() => fired.push('z'), 900);
    expect(clock.advanceToNext()).toBe(true);
    expect([fired, clock.now()]).toEqual([['x', 'y'], 1_700]);
    expect(await clock.advanceToNextAsync()).toBe(true);
    expect([fired, clock.now()]).toEqual([['x', 'y', 'z'], 1_900]);
    expect(clock.advanceToNext()).toBe(false);
    expect(await clock.advanceToNextAsync()).toBe(false);
    expect(clock.now()).toBe(1_900);
  });

  it('run() skips every sleep of the work and returns its value, at the exact virtual time', async () => {
    const clock = fakeClock(0);
    const work = (async () => {
      await sleep(1_000, undefined, clock);
      await sleep(2_000, undefined, clock);
      return 'done';
    })();
    await expect(clock.run(work)).resolves.toBe('done');
    expect(clock.now()).toBe(3_000);
    expect(clock.delays).toEqual([1_000, 2_000]);
  });

  it('run() rejects with the work’s error', async () => {
    const clock = fakeClock(0);
    const boom = new Error('boom');
    const work = (async () => {
      await sleep(10, undefined, clock);
      throw boom;
    })();
    await expect(clock.run(work)).rejects.toBe(boom);
    expect(clock.now()).toBe(10);
  });

  it('run() fails a stuck work instead of hanging', async () => {
    const clock = fakeClock(0, { turns: 1, stuckAfterMs: 20 });
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow('fakeClock.run: the work has not settled and no timer was pending for 20 ms');
  });

  it('drives core: a client call with timeoutMs over a hanging adapter times out at exactly 1 000 ms', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter({ hang: true }, { clock });
    const client = createClient({ adapter, clock });
    const error = await clock.run(client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeoutMs: 1_000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('Request timed out after 1000 ms (timeoutMs)');
    expect(clock.now()).toBe(1_000);
    expect(clock.pending()).toBe(0);
  });
});
