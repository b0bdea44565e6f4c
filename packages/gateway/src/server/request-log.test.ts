import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
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
});
