/** A stand-in for pricing's meter(): sets meta.costUsd from usage, after the response or at stream end. */
import type { ChatChunk, Context, Middleware, Usage } from '@lifeline/core';

export const PRICE_PER_TOKEN = 0.001;

function cost(usage: Usage | null | undefined): number | undefined {
  return usage ? usage.total_tokens * PRICE_PER_TOKEN : undefined;
}

export function fakeMeter(): Middleware & { calls: number } {
  const mw = Object.assign(
    async function meter(ctx: Context, next: () => Promise<void>) {
      mw.calls++;
      await next();
      if (ctx.response) {
        ctx.meta.costUsd = cost(ctx.response.usage);
      } else if (ctx.stream) {
        const source = ctx.stream;
        ctx.stream = (async function* metered(): AsyncGenerator<ChatChunk> {
          let usage: Usage | undefined;
          for await (const c of source) {
            if (c.usage) usage = c.usage;
            yield c;
          }
          ctx.meta.costUsd = cost(usage);
        })();
      }
    },
    { calls: 0 },
  );
  return mw;
}
