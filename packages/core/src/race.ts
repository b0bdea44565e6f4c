/** @module */
import { abortReason } from './abort.js';
import type { Context } from './context.js';
import { AbortError } from './errors.js';

/**
 * Settles like `work`, or rejects with the context's abort reason as soon as `ctx` aborts — so a
 * deadline holds even against code that ignores its signal. Uses the context's own abort
 * callbacks (no `AbortSignal` listener). A late rejection of `work` is swallowed.
 *
 * With `graceMs`, an abort whose reason is not the caller's own ({@link AbortError}) gives `work`
 * that long to settle first, so the pipeline can still answer from a fallback (a stale cache
 * entry, a degraded answer) when the overall deadline fires.
 *
 * @param work - the promise to bound
 * @param ctx - the context whose abort ends the wait
 * @param graceMs - time `work` keeps after a non-caller abort
 */
export function raceContext<T>(work: Promise<T>, ctx: Context, graceMs = 0): Promise<T> {
  // A promise settles once: whichever of `work` and the abort comes first decides. The rejection
  // handler attached below also keeps a late failure of `work` from going unhandled.
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = () => reject(abortReason(ctx));
    const off = ctx.onAbort((reason) => {
      if (graceMs > 0 && !(reason instanceof AbortError)) {
        timer = setTimeout(giveUp, graceMs);
        // Stryker disable next-line OptionalChaining: Node's timers always have unref(); the `?.` only serves other runtimes
        timer.unref?.();
      } else giveUp();
    });
    const settled = () => {
      off();
      clearTimeout(timer);
    };
    work.then(
      (v) => {
        settled();
        resolve(v);
      },
      (e: unknown) => {
        settled();
        reject(e);
      },
    );
  });
}
