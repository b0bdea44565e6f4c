import { fallbackResponse, RateLimitError, ServerError, StreamInterruptedError, TimeoutError, type ChatChunk } from '@lifeline/core';
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { chatChunk as chunk, scriptedAdapter, textChunks } from '@lifeline/testing';
import { hello, post, startHarness, type Harness } from '../../test/harness.js';
import { turnsUntil } from '../../../../test-support/turns.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('POST /v1/chat/completions (JSON)', () => {
  it('answers through the pipeline with x-lifeline-* headers and a lifeline summary', async () => {
    const adapter = scriptedAdapter('ok', { name: 'primary', text: 'Hello there' });
    h = await startHarness({ adapter });
    const { data, response } = await h.openai.chat.completions.create(hello).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello there');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(response.headers.get('x-lifeline-attempts')).toBe('1');
    expect(response.headers.get('x-lifeline-cache')).toBe('none');
    expect(response.headers.get('x-lifeline-degraded')).toBe('false');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((data as unknown as { lifeline: unknown }).lifeline).toMatchObject({ provider: 'primary', model: 'fake-model', attempts: 1, cache: 'none', degraded: false, route: ['primary:ok'] });
    expect(adapter.calls[0]!.request).toEqual({ model: 'fake-model', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('passes unknown fields through and strips stream_options from a JSON call', async () => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter });
    const res = await post(h.url, '/v1/chat/completions', JSON.stringify({ ...hello, reasoning_effort: 'low', stream: false, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(adapter.calls[0]!.request).toEqual({ ...hello, reasoning_effort: 'low' });
  });

  it('answers 429 with Retry-After when the target is rate-limited', async () => {
    const adapter = scriptedAdapter(() => { throw new RateLimitError('primary: rate limited (429)', { provider: 'primary', status: 429, retryAfterMs: 1500 }); });
    h = await startHarness({ adapter });
    const err = await h.openai.chat.completions.create(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as APIError).status).toBe(429);
    expect((err as APIError).message).toBe('429 primary: rate limited (429)');
    expect((err as APIError).headers?.get('retry-after')).toBe('2');
    expect((err as APIError).headers?.get('retry-after-ms')).toBe('1500');
    expect((err as APIError).code).toBe('rate_limit_exceeded');
  });

  it('answers 502 for an upstream failure and 504 for a timeout', async () => {
    let n = 0;
    const adapter = scriptedAdapter(() => {
      n++;
      if (n === 1) throw new ServerError('primary: upstream returned 503', { provider: 'primary', status: 503 });
      throw new TimeoutError('Timeout: attempt did not finish within 10 ms (ms)', { provider: 'primary', kind: 'total', timeoutMs: 10 });
    });
    h = await startHarness({ adapter });
    const first = await h.openai.chat.completions.create(hello).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.InternalServerError);
    expect((first as APIError).status).toBe(502);
    expect((first as APIError).error).toEqual({ message: 'primary: upstream returned 503', type: 'upstream_error', param: null, code: 'server' });
    const second = await h.openai.chat.completions.create(hello).catch((e: unknown) => e);
    expect((second as APIError).status).toBe(504);
    expect((second as APIError).error).toMatchObject({ type: 'timeout_error', code: 'timeout' });
    expect((second as APIError).headers?.get('x-lifeline-attempts')).toBe('1');
  });

  it('flags a degraded answer in headers and body', async () => {
    const adapter = scriptedAdapter(() => { throw new ServerError('down', { provider: 'primary', status: 503 }); });
    h = await startHarness({ adapter, use: [fallbackResponse({ content: 'Busy, retry soon.' })] });
    const { data, response } = await h.openai.chat.completions.create(hello).withResponse();
    expect(data.choices[0]!.message.content).toBe('Busy, retry soon.');
    expect(response.headers.get('x-lifeline-degraded')).toBe('true');
    expect(response.headers.get('x-lifeline-provider')).toBe('fallback');
    expect((data as unknown as { lifeline: Record<string, unknown> }).lifeline).toMatchObject({ degraded: true, provider: 'fallback', costUsd: 0 });
  });
});

async function readSse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text.split('\n\n').filter((e) => e !== '');
}

describe('POST /v1/chat/completions (stream)', () => {
  it('streams chunks the SDK reads, without usage unless asked', async () => {
    const adapter = scriptedAdapter({ chunks: textChunks(['Hel', 'lo']) }, { name: 'primary' });
    h = await startHarness({ adapter });
    const stream = await h.openai.chat.completions.create({ ...hello, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
  });

  it('passes the usage chunk when include_usage is true', async () => {
    h = await startHarness({ adapter: scriptedAdapter({ chunks: textChunks(['a', 'b', 'c']) }) });
    const stream = await h.openai.chat.completions.create({ ...hello, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } });
  });

  it('sends known meta in headers, the final meta in a comment, then [DONE]', async () => {
    h = await startHarness({ adapter: scriptedAdapter({ chunks: textChunks(['x']) }, { name: 'primary' }) });
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-lifeline-provider')).toBe('primary');
    expect(res.headers.get('x-lifeline-attempts')).toBe('1');
    expect(res.headers.get('x-lifeline-cost-usd')).toBeNull();
    const events = await readSse(res);
    expect(events.at(-1)).toBe('data: [DONE]');
    const comment = events.at(-2)!;
    expect(comment.startsWith(': lifeline ')).toBe(true);
    expect(JSON.parse(comment.slice(': lifeline '.length))).toMatchObject({ provider: 'primary', attempts: 1, degraded: false, route: ['primary:ok'] });
    expect(events.slice(0, -2).every((e) => e.startsWith('data: {'))).toBe(true);
  });

  it('ends a stream broken after content with an error event the SDK throws, never [DONE]', async () => {
    const chunks: ChatChunk[] = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Partial' })];
    const adapter = scriptedAdapter({ chunks });
    const broken = {
      ...adapter,
      async stream(request: Parameters<typeof adapter.stream>[0], call: Parameters<typeof adapter.stream>[1]) {
        const inner = await adapter.stream(request, call);
        return (async function* () {
          yield* inner;
          throw new StreamInterruptedError('primary: the stream was cut after 1 chunk', { provider: 'primary', contentDelivered: true });
        })();
      },
    };
    h = await startHarness({ adapter: broken });
    const stream = await h.openai.chat.completions.create({ ...hello, stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(seen.join('')).toBe('Partial');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).message).toBe('primary: the stream was cut after 1 chunk');
    const raw = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
    const events = await readSse(raw);
    expect(events.at(-1)).toBe('data: {"error":{"message":"primary: the stream was cut after 1 chunk","type":"upstream_error","param":null,"code":"stream_interrupted"}}');
    expect(events).not.toContain('data: [DONE]');
  });

  it('answers a proper HTTP error when the stream fails before its first chunk', async () => {
    const adapter = scriptedAdapter(() => { throw new RateLimitError('primary: slow down', { provider: 'primary', status: 429, retryAfterMs: 3000 }); });
    h = await startHarness({ adapter });
    const err = await h.openai.chat.completions.create({ ...hello, stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as APIError).headers?.get('retry-after')).toBe('3');
  });

  it('aborts the upstream call when the client disconnects', async () => {
    const adapter = scriptedAdapter({ chunks: textChunks(['a', 'b', 'c']), stallAfter: 1 });
    h = await startHarness({ adapter });
    const controller = new AbortController();
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }), signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await turnsUntil(() => adapter.calls[0]!.call.signal.aborted, 'the upstream call aborted');
    await turnsUntil(() => adapter.closed === 1, 'the upstream stream closed');
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });
});
