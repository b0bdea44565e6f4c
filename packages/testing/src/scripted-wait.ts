/**
 * Abortable waits for the scripted adapter, on an injected or the global timer.
 *
 * @module
 */

/** Timers the scripted adapter waits on: `now()` for recorded times, timers for delays. */
export interface ScriptClock {
  now(): number;
  /** When absent, the global `setTimeout` (looked up at each wait, so `vi.useFakeTimers()` applies). */
  setTimeout?(fn: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

/** How a wait reports an abort. */
export type AbortErrorFn = (signal: AbortSignal) => unknown;

/** The default abort error: the signal's reason (what `fetch` rejects with). */
export const signalReason: AbortErrorFn = (signal) => signal.reason;

/** Waits `ms` on `clock`; rejects with `abortError(signal)` as soon as `signal` aborts, clearing the timer. */
export function wait(ms: number, signal: AbortSignal, clock: ScriptClock | undefined, abortError: AbortErrorFn): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const set = clock?.setTimeout ? clock.setTimeout.bind(clock) : (fn: () => void, delay: number) => setTimeout(fn, delay);
    const clear = clock?.clearTimeout ? clock.clearTimeout.bind(clock) : (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>);
    const onAbort = () => {
      clear(handle);
      reject(abortError(signal));
    };
    const handle = set(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Never resolves; rejects with `abortError(signal)` when `signal` aborts. */
export function untilAborted(signal: AbortSignal, abortError: AbortErrorFn): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}
