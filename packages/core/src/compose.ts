/** @module */
import type { Context } from './context.js';
import { ConfigurationError } from './errors.js';
import type { Middleware, Next } from './middleware.js';

const done: Next = () => Promise.resolve();

/**
 * Composes middleware into one middleware: an onion, outermost first. The result is itself a
 * middleware, so compositions nest.
 *
 * Unlike koa-compose, `next` may be called more than once (retry, failover) and may be given a
 * child context from `ctx.fork()` (hedging). Calling `next` after the middleware that owns it
 * has settled is an error (a missing `await`), never silent corruption — except with a fork of
 * the middleware's context (`next(ctx.fork())`), which a stream wrapper may use to re-attempt
 * after the middleware returned.
 *
 * @param middleware - the layers, outermost first
 * @returns a middleware running them in order
 * @throws {@link ConfigurationError} when an entry is not a function
 * @example
 * ```ts
 * const pipeline = compose([logger(), retry()]);
 * await pipeline(ctx, terminal);
 * ```
 */
export function compose(middleware: readonly Middleware[]): Middleware {
  if (!Array.isArray(middleware)) {
    throw new ConfigurationError(`compose: middleware must be an array, got ${typeof middleware}`);
  }
  middleware.forEach((fn, i) => {
    if (typeof fn !== 'function') {
      throw new ConfigurationError(
        `compose: middleware[${i}] must be a function (ctx, next) => Promise<void>, got ${fn === null ? 'null' : typeof fn}`,
      );
    }
  });
  const layers = middleware.slice();
  const count = layers.length;
  // The onion for the usual step after the last layer (a client's terminal is the same every call):
  // a call with that step builds nothing for the composition itself.
  let onion: Onion = { layers, count, last: done };

  return function composed(ctx: Context, last: Next = done): Promise<void> {
    if (onion.last !== last) onion = { layers, count, last };
    return dispatch(onion, 0, ctx);
  };
}

/** A composition's layers and the step after the last one. */
interface Onion {
  readonly layers: readonly Middleware[];
  readonly count: number;
  readonly last: Next;
}

/** Runs layer `i` of `onion` on `c`. */
function dispatch(onion: Onion, i: number, c: Context): Promise<void> {
  if (i === onion.count) return onion.last(c);
  const fn = onion.layers[i]!;
  let settled = false;
  const next: Next = (child) => {
    // After settling, only a fork of this layer's context may still run the rest of the onion:
    // a stream wrapper re-attempting after a mid-stream break (failover's restart/continue).
    if (settled && !(child !== undefined && child.parent === c)) {
      return Promise.reject(
        new ConfigurationError(`next() called after middleware #${i} (${fn.name || 'anonymous'}) had settled — missing await?`),
      );
    }
    return dispatch(onion, i + 1, child ?? c);
  };
  let result: Promise<void>;
  try {
    result = fn(c, next);
  } catch (err) {
    settled = true;
    return Promise.reject(err);
  }
  // The layer's own promise goes back to the caller (no derived promise in between: one
  // microtask less per layer); a side reaction, registered first, marks it settled before
  // the caller resumes.
  const settle = () => {
    settled = true;
  };
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  promise.then(settle, settle);
  return promise;
}
