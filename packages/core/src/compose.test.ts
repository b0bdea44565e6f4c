import { describe, expect, it } from 'vitest';
import { compose } from './compose.js';
import { Context } from './context.js';
import { ConfigurationError } from './errors.js';
import type { Middleware } from './middleware.js';

const ctx = () => new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'x' }] } });

describe('compose', () => {
  it('runs middleware as an onion, outermost first', async () => {
    const order: string[] = [];
    const mw = (name: string): Middleware => async (_c, next) => {
      order.push(`${name}:in`);
      await next();
      order.push(`${name}:out`);
    };
    await compose([mw('a'), mw('b'), mw('c')])(ctx(), async () => {
      order.push('terminal');
    });
    expect(order).toEqual(['a:in', 'b:in', 'c:in', 'terminal', 'c:out', 'b:out', 'a:out']);
  });

  it('lets next() run again (retry) and each call reaches the terminal', async () => {
    let calls = 0;
    const twice: Middleware = async (_c, next) => {
      await next().catch(() => {});
      await next();
    };
    await compose([twice])(ctx(), async () => {
      calls++;
      if (calls === 1) throw new Error('first fails');
    });
    expect(calls).toBe(2);
  });

  it('passes a forked child context down when next(child) is given one', async () => {
    const parent = ctx();
    let seen: Context | undefined;
    const forker: Middleware = async (c, next) => {
      const child = c.fork();
      await next(child);
      c.adopt(child);
    };
    await compose([forker])(parent, async (c) => {
      seen = c;
      c!.meta.provider = 'child-provider';
    });
    expect(seen).not.toBe(parent);
    expect(seen?.parent).toBe(parent);
    expect(parent.meta.provider).toBe('child-provider');
  });

  it('nests: a composition is itself a middleware', async () => {
    const order: string[] = [];
    const tag = (n: string): Middleware => async (_c, next) => {
      order.push(n);
      await next();
    };
    await compose([tag('outer'), compose([tag('inner1'), tag('inner2')]), tag('last')])(ctx(), async () => {
      order.push('end');
    });
    expect(order).toEqual(['outer', 'inner1', 'inner2', 'last', 'end']);
  });

  it('rejects next() called after its middleware settled (missing await)', async () => {
    let late: (() => Promise<void>) | undefined;
    const sloppy: Middleware = async function sloppy(_c, next) {
      late = () => next();
    };
    await compose([sloppy])(ctx(), async () => {});
    const err = await late!().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe('next() called after middleware #0 (sloppy) had settled — missing await?');
  });

  it('validates the list eagerly, naming the bad index', () => {
    expect(() => compose([async (_c, n) => n(), 42 as unknown as Middleware])).toThrow(
      new ConfigurationError('compose: middleware[1] must be a function (ctx, next) => Promise<void>, got number'),
    );
    expect(() => compose('x' as unknown as Middleware[])).toThrow('compose: middleware must be an array, got string');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const boom = (() => {
      throw new Error('sync boom');
    }) as unknown as Middleware;
    await expect(compose([boom])(ctx(), async () => {})).rejects.toThrow('sync boom');
  });

  it('propagates errors from the terminal through each layer', async () => {
    const seen: string[] = [];
    const watch: Middleware = async (_c, next) => {
      try {
        await next();
      } catch (e) {
        seen.push((e as Error).message);
        throw e;
      }
    };
    await expect(compose([watch, watch])(ctx(), async () => { throw new Error('upstream'); })).rejects.toThrow('upstream');
    expect(seen).toEqual(['upstream', 'upstream']);
  });
});

describe('compose: re-attempts after settling', () => {
  it('allows next(fork) after the middleware returned, for stream wrappers that re-attempt', async () => {
    let later: (() => Promise<void>) | undefined;
    const reattempt: Middleware = async function reattempt(c, next) {
      await next();
      later = () => next(c.fork());
    };
    let calls = 0;
    await compose([reattempt])(ctx(), async () => { calls++; });
    await later!();
    expect(calls).toBe(2);
  });

  it('still rejects next(sameCtx) after settling', async () => {
    let later: (() => Promise<void>) | undefined;
    const bad: Middleware = async function bad(c, next) {
      await next();
      later = () => next(c);
    };
    await compose([bad])(ctx(), async () => {});
    await expect(later!()).rejects.toThrow('next() called after middleware #0 (bad) had settled — missing await?');
  });
});

describe('compose: the step after the last layer', () => {
  it('reaches the step each call was given, whether it stays the same or changes between calls', async () => {
    const seen: string[] = [];
    const pass: Middleware = async (_c, next) => next();
    const composed = compose([pass, pass]);
    const a = async () => { seen.push('a'); };
    const b = async () => { seen.push('b'); };
    await composed(ctx(), a);
    await composed(ctx(), a);
    await composed(ctx(), b);
    await (composed as (c: Context) => Promise<void>)(ctx());
    await composed(ctx(), a);
    // Two calls in flight with different steps: each keeps its own.
    await Promise.all([composed(ctx(), b), composed(ctx(), a)]);
    expect(seen).toEqual(['a', 'a', 'b', 'a', 'b', 'a']);
  });
});
