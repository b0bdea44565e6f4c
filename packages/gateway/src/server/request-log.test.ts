import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACT_PATHS } from './app.js';
import { requestLog, toRequestLogger, type RequestLine } from './request-log.js';

/** A built-in-like logger (the gateway's redaction paths) writing to `lines`, and a request whose `req.log` is its child, as Fastify makes it. */
function setup(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const root = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) }) as unknown as FastifyBaseLogger;
  const req = { id: 'req-1', log: root.child({ reqId: 'req-1' }, {}) } as unknown as FastifyRequest;
  return { lines, root, req };
}

const done: RequestLine = { endpoint: 'chat.completions', status: 200, stream: false, model: 'gpt-4.1', provider: 'primary', attempts: 1, cache: 'miss', costUsd: 0.0002, degraded: undefined, latencyMs: 12.5, tenant: undefined };
const withoutTime = (line: Record<string, unknown>) => ({ ...line, time: 0 });

describe('requestLog', () => {
  it('with the built-in logger writes the same line as the request logger, request id first', () => {
    const { lines, root, req } = setup();
    toRequestLogger(req, done);
    requestLog(root, true)(req, done);
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[1]!)).toEqual(withoutTime(lines[0]!));
    expect(Object.keys(lines[1]!)).toEqual(['level', 'time', 'pid', 'hostname', 'reqId', 'endpoint', 'status', 'stream', 'model', 'provider', 'attempts', 'cache', 'costUsd', 'latencyMs', 'msg']);
    expect(lines[1]).toMatchObject({ level: 30, reqId: 'req-1', status: 200, msg: 'request done' });
  });

  it('writes a failed request at warn, with its error, as the request logger does', () => {
    const { lines, root, req } = setup();
    const failed: RequestLine = { ...done, status: 503, error: 'every target failed' };
    toRequestLogger(req, failed);
    requestLog(root, true)(req, failed);
    expect(withoutTime(lines[1]!)).toEqual(withoutTime(lines[0]!));
    expect(lines[1]).toMatchObject({ level: 40, reqId: 'req-1', status: 503, error: 'every target failed', msg: 'request failed' });
  });

  it('honours the level: nothing at warn for a request done', () => {
    const { lines, root, req } = setup('warn');
    requestLog(root, true)(req, done);
    expect(lines).toEqual([]);
  });

  it('with your own logger writes through req.log', () => {
    const { lines, root, req } = setup();
    expect(requestLog(root, false)).toBe(toRequestLogger);
    requestLog(root, false)(req, done);
    expect(lines[0]).toMatchObject({ reqId: 'req-1', endpoint: 'chat.completions', msg: 'request done' });
  });

  describe('the line built by hand', () => {
    afterEach(() => vi.restoreAllMocks());

    /** Raw lines of the gateway's own writer and of pino's, for the same request and the same clock. */
    function both(line: RequestLine, id: unknown = 'b7d1c0de-0000-4000-8000-000000000001', options: Record<string, unknown> = {}) {
      vi.spyOn(Date, 'now').mockReturnValue(1_765_000_000_123);
      const raw: string[] = [];
      const root = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, ...options }, { write: (l: string) => raw.push(l) }) as unknown as FastifyBaseLogger;
      const req = { id, log: root.child({ reqId: id }, {}) } as unknown as FastifyRequest;
      requestLog(root, true)(req, line);
      root.child({}, { redact: [] }).info({ reqId: id, ...line }, 'request done');
      return raw;
    }

    it('writes exactly the bytes pino writes, every field set', () => {
      const full: RequestLine = { ...done, degraded: true, tenant: 'acme', attempts: 3, costUsd: 1.5e-7 };
      const [mine, theirs] = both(full);
      expect(mine).toBe(theirs);
      expect(mine).toMatch(/^\{"level":30,"time":1765000000123,"pid":\d+,"hostname":"[^"]*","reqId":"b7d1c0de-0000-4000-8000-000000000001","endpoint":"chat.completions","status":200,"stream":false,"model":"gpt-4.1","provider":"primary","attempts":3,"cache":"miss","costUsd":1.5e-7,"degraded":true,"latencyMs":12.5,"tenant":"acme","msg":"request done"\}\n$/);
    });

    it('writes exactly the bytes pino writes with fields left out, a stream, and a number that is not finite', () => {
      const sparse: RequestLine = { endpoint: 'responses', status: 499, stream: true, model: undefined, provider: undefined, attempts: undefined, cache: undefined, costUsd: Number.NaN, degraded: false, latencyMs: Infinity, tenant: undefined };
      const [mine, theirs] = both(sparse);
      expect(mine).toBe(theirs);
      expect(mine).toContain('"stream":true,"costUsd":null,"degraded":false,"latencyMs":null,"msg"');
    });

    it.each([
      ['a model with a quote', { ...done, model: 'my"model' }],
      ['a tenant with a backslash', { ...done, tenant: 'a\\b' }],
      ['a provider with a control character', { ...done, provider: 'p\u0001' }],
      ['a tenant outside ASCII', { ...done, tenant: 'café \u2028' }],
    ])('leaves %s to pino (same bytes)', (_name, line) => {
      const [mine, theirs] = both(line as RequestLine);
      expect(mine).toBe(theirs);
      expect(JSON.parse(mine!)).toMatchObject({ msg: 'request done' });
    });

    it('checks every string afresh however many plain ones came before (same bytes, escapes kept)', () => {
      for (let i = 0; i < 300; i++) {
        const [mine, theirs] = both({ ...done, model: `model-${i}`, tenant: i % 2 === 0 ? 'acme' : undefined });
        expect(mine).toBe(theirs);
      }
      const [mine, theirs] = both({ ...done, model: 'model-"1"', tenant: 'a\\b' });
      expect(mine).toBe(theirs);
      expect(JSON.parse(mine!)).toMatchObject({ model: 'model-"1"', tenant: 'a\\b' });
    });

    it('leaves a request id that is not a string to pino (same bytes)', () => {
      const [mine, theirs] = both(done, 42);
      expect(mine).toBe(theirs);
      expect(mine).toContain('"reqId":42,');
    });

    it('is not used for a logger with a mixin or its own message key: pino writes the line', () => {
      const [withMixin] = both(done, 'r-1', { mixin: () => ({ app: 'gw' }) });
      expect(JSON.parse(withMixin!)).toMatchObject({ app: 'gw', reqId: 'r-1', msg: 'request done' });
      const [withKey] = both(done, 'r-1', { messageKey: 'message' });
      expect(JSON.parse(withKey!)).toMatchObject({ reqId: 'r-1', message: 'request done' });
      expect(JSON.parse(withKey!)).not.toHaveProperty('msg');
    });
  });
});
