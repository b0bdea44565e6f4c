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
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const giveUp = () => {
      if (done) return;
      done = true;
      work.catch(() => {});
      reject(abortReason(ctx));
    };
    const off = ctx.onAbort((reason) => {
      if (graceMs > 0 && !(reason instanceof AbortError)) {
        timer = setTimeout(giveUp, graceMs);
        timer.unref?.();
      } else giveUp();
    });
    work.then(
      (v) => {
        off();
        if (timer !== undefined) clearTimeout(timer);
        if (done) return;
        done = true;
        resolve(v);
      },
      (e: unknown) => {
        off();
        if (timer !== undefined) clearTimeout(timer);
        if (done) return;
        done = true;
        reject(e);
      },
    );
  });
}
