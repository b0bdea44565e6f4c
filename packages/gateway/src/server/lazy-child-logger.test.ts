import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { REDACT_PATHS } from './app.js';
import { lazyChildLogger } from './lazy-child-logger.js';

function root(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) }) as unknown as FastifyBaseLogger;
  return { lines, logger };
}

describe('lazyChildLogger', () => {
  it('makes no child until a line is written, then writes what the child writes', () => {
    const { lines, logger } = root();
    const child = vi.spyOn(logger, 'child');
    const lazy = lazyChildLogger(logger, { reqId: 'r1' }, {});
    expect(typeof lazy.info).toBe('function');
    expect(child).not.toHaveBeenCalled();
    lazy.warn({ apiKey: 'sk-secret', n: 1 }, 'careful');
    lazy.info('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => ({ ...l, time: 0, pid: 0 }))).toEqual([
      { level: 40, time: 0, pid: 0, hostname: lines[0]!.hostname, reqId: 'r1', apiKey: '[redacted]', n: 1, msg: 'careful' },
      { level: 30, time: 0, pid: 0, hostname: lines[0]!.hostname, reqId: 'r1', msg: 'again' },
    ]);
  });

  it('reads and sets the level, and makes grandchildren, on the real child', () => {
    const { lines, logger } = root('warn');
    const lazy = lazyChildLogger(logger, { reqId: 'r2' }, {});
    expect(lazy.level).toBe('warn');
    lazy.level = 'debug';
    lazy.debug('now visible');
    expect(logger.level).toBe('warn');
    lazy.child({ part: 'x' }).error('deeper');
    expect(lines.map((l) => [l.msg, l.reqId, l.part])).toEqual([
      ['now visible', 'r2', undefined],
      ['deeper', 'r2', 'x'],
    ]);
  });

  it('passes child options through', () => {
    const { lines, logger } = root();
    lazyChildLogger(logger, { reqId: 'r3' }, { msgPrefix: '[x] ' }).info('hello');
    expect(lines[0]).toMatchObject({ reqId: 'r3', msg: '[x] hello' });
  });

  it('is accepted by Fastify as the request logger, which logs through it', async () => {
    const { lines, logger } = root();
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLogger, genReqId: () => 'req-9' });
    app.get('/', async (req) => {
      req.log.info({ seen: true }, 'inside');
      return { ok: true };
    });
    const res = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(lines.filter((l) => l.msg === 'inside')).toEqual([expect.objectContaining({ reqId: 'req-9', seen: true })]);
  });
});
