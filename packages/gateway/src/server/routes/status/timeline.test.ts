import type { AttemptRecord, Meta } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { breakerEvent, callEvents, targetOfBreaker } from './timeline.js';

const AT = 1_800_000_000_000;
const route = { targets: ['relay', 'backup', 'claude:claude-sonnet-4.5'] };
const attempt = (target: string, outcome: 'ok' | 'error', errorCode?: string): AttemptRecord => ({ target, model: 'm', startedAt: AT, latencyMs: 1, outcome, ...(errorCode && { errorCode }) });
const meta = (m: Partial<Meta>): Meta => ({ attempts: m.attemptLog?.length ?? 0, attemptLog: [], ...m });

describe('callEvents', () => {
  it('a later target answering an ordered route is a failover, with why the earlier ones did not answer', () => {
    const log = [attempt('relay', 'error', 'server'), attempt('relay', 'error', 'timeout'), attempt('backup', 'ok')];
    expect(callEvents(meta({ provider: 'backup', attemptLog: log, failovers: 1 }), 200, route, 'gpt-4.1', AT)).toEqual([
      { at: AT, model: 'gpt-4.1', kind: 'failover', target: 'backup', from: 'relay', to: 'backup', text: 'relay → backup (relay 2× timeout)' },
    ]);
    // The relay's breaker is open: no attempt, and failover() counts no move.
    expect(callEvents(meta({ provider: 'claude:claude-sonnet-4.5', attemptLog: [attempt('backup', 'error', 'rate_limit'), attempt('claude:claude-sonnet-4.5', 'ok')] }), 200, route, 'gpt-4.1', AT)[0]!.text).toBe(
      'relay → claude:claude-sonnet-4.5 (relay breaker open, backup 1× rate_limit)',
    );
  });

  it('the first target answering, a cache hit, or a client error is no event', () => {
    expect(callEvents(meta({ provider: 'relay', attemptLog: [attempt('relay', 'ok')] }), 200, route, 'm', AT)).toEqual([]);
    expect(callEvents(meta({ provider: 'relay', cache: 'hit' }), 200, route, 'm', AT)).toEqual([]);
    expect(callEvents(meta({ attemptLog: [attempt('relay', 'error', 'bad_request')] }), 400, route, 'm', AT)).toEqual([]);
  });

  it('a weighted route: only a real move (meta.failovers) is a failover', () => {
    const weighted = { ...route, strategy: 'weighted' as const };
    expect(callEvents(meta({ provider: 'backup', attemptLog: [attempt('backup', 'ok')] }), 200, weighted, 'm', AT)).toEqual([]);
    expect(callEvents(meta({ provider: 'backup', attemptLog: [attempt('claude:claude-sonnet-4.5', 'error', 'server'), attempt('backup', 'ok')], failovers: 1 }), 200, weighted, 'm', AT)[0]!.text).toBe(
      'claude:claude-sonnet-4.5 → backup (claude:claude-sonnet-4.5 1× server)',
    );
  });

  it('degraded and stale answers, and calls that failed with a 5xx', () => {
    const log = [attempt('relay', 'error', 'server'), attempt('backup', 'error', 'server')];
    expect(callEvents(meta({ provider: 'fallback', degraded: true, attemptLog: log }), 200, route, 'm', AT)).toEqual([
      { at: AT, model: 'm', kind: 'degraded', text: 'degraded answer for m (relay 1× server, backup 1× server, claude:claude-sonnet-4.5 breaker open)' },
    ]);
    expect(callEvents(meta({ cache: 'stale', attemptLog: log }), 200, route, 'm', AT)[0]).toMatchObject({ kind: 'stale', text: 'stale answer from the cache for m (relay 1× server, backup 1× server, claude:claude-sonnet-4.5 breaker open)' });
    expect(callEvents(meta({ attemptLog: log }), 502, route, undefined, AT)[0]).toEqual({ at: AT, kind: 'failed', text: 'call for a model failed with HTTP 502 (relay 1× server, backup 1× server, claude:claude-sonnet-4.5 breaker open)' });
  });
});

describe('breakerEvent', () => {
  it('names the target, the states and, when it opens, the time of the next probe', () => {
    expect(breakerEvent({ key: 'relay/deepseek-v3.2', from: 'closed', to: 'open', at: AT, breakMs: 5_000 }, 0)).toEqual({
      at: AT, kind: 'breaker', target: 'relay', key: 'relay/deepseek-v3.2', from: 'closed', to: 'open', until: AT + 5_000, text: 'breaker relay/deepseek-v3.2: closed → open',
    });
    expect(breakerEvent({ key: 'claude:claude-sonnet-4.5', from: 'half-open', to: 'closed' }, AT)).toEqual({
      at: AT, kind: 'breaker', target: 'claude:claude-sonnet-4.5', key: 'claude:claude-sonnet-4.5', from: 'half-open', to: 'closed', text: 'breaker claude:claude-sonnet-4.5: half-open → closed',
    });
    expect(targetOfBreaker('backup/(other)')).toBe('backup');
  });
});
