import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { buildBody } from './request.js';

const parse = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8')) as Record<string, unknown>;
const base = (): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, reasoning_effort: 'low' });

describe('buildBody', () => {
  it('strips stream and stream_options from non-streamed requests, keeping vendor extras', () => {
    const body = parse(buildBody({ ...base(), stream: true, stream_options: { include_usage: true } }, false, true));
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, reasoning_effort: 'low' });
  });

  it('adds stream and include_usage to streamed requests, keeping other stream_options', () => {
    const body = parse(buildBody({ ...base(), stream_options: { include_usage: false, continuous_usage_stats: true } as never }, true, true));
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } });
  });

  it('leaves stream_options out (or as given) when includeUsage is off', () => {
    expect(parse(buildBody(base(), true, false))).not.toHaveProperty('stream_options');
    expect(parse(buildBody({ ...base(), stream_options: { include_usage: true } }, true, false)).stream_options).toEqual({ include_usage: true });
  });

  it('serialises a request once per kind, and again when it was mutated in place', () => {
    const req = base();
    const a = buildBody(req, false, true);
    expect(buildBody(req, false, true)).toBe(a);
    const s = buildBody(req, true, true);
    expect(buildBody(req, true, true)).toBe(s);
    expect(buildBody(req, true, false)).not.toBe(s);
    req.messages.push({ role: 'assistant', content: 'yo' });
    const b = buildBody(req, false, true);
    expect(b).not.toBe(a);
    expect(parse(b).messages).toHaveLength(2);
    req.model = 'other';
    expect(parse(buildBody(req, false, true)).model).toBe('other');
  });
});
