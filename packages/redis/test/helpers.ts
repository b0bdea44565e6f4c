/**
 * Test helpers: the Redis (URL or cluster) of the run, unique prefixes, a manual clock, a countdown of events,
 * polling for a condition (for things outside the test's control, like a reconnection —
 * never to time a delay), and a budget for work that must not wait for something far longer.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Clock } from '@lifeline/core';

/** The Redis every test file shares (each test uses its own prefix). */
export function redisUrl(): string {
  return inject('redisUrl');
}

/**
 * Where the suite's Redis is, as connection options: the cluster of the cluster suite
 * (`{ cluster: { rootNodes } }`), else the single Redis of the run (`{ url }`).
 */
export function redisTarget(): { url: string } | { cluster: { rootNodes: string[] } } {
  const rootNodes = inject('redisClusterNodes');
  return rootNodes ? { cluster: { rootNodes } } : { url: inject('redisUrl') };
}

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `lifeline-test-${name}-${randomUUID().slice(0, 8)}`;
}

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  #timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #ids = 0;
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

/** Resolves once `check()` is truthy; rejects with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * `work`'s value, or the text "still waiting for `what` after `ms` ms". For "does not wait for X"
 * where X (a lock's TTL, a frozen server) is far longer than `ms`: the gap, not this machine's
 * speed, decides. Assert on the value; the text makes the failure say what hung.
 */
export async function within<T>(what: string, work: Promise<T>, ms = 10_000): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(resolve, ms, `still waiting for ${what} after ${ms} ms`)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves `done` once `tick()` has been called `n` times (later ticks change nothing). */
export function countdown(n: number): { tick: () => void; done: Promise<void> } {
  let left = n;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  if (left <= 0) resolve();
  return {
    tick: () => {
      if (--left === 0) resolve();
    },
    done,
  };
}
