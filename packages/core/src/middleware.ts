/** @module */
import type { Context } from './context.js';

/** Calls the rest of the onion. May be called again (retry, failover) and given a forked context (hedging). */
export type Next = (ctx?: Context) => Promise<void>;

/** One layer of the onion: work on the way in, `await next()`, work on the way out. */
export type Middleware = (ctx: Context, next: Next) => Promise<void>;
