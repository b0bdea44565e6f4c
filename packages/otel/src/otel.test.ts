/**
 * otel() behaviours around the span tree: parenting, upstream trace context, content capture,
 * hedging, stopped and aborted streams, sampling, embeddings, option checks.
 */
import { openai } from '@lifeline/adapters';
import { ConfigurationError, type Context, createClient, type Middleware } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { fakeClock, type MockProviderOptions, scriptedAdapter, startMockProvider } from '@lifeline/testing';
import { context, defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { points, type SpanNode, testSdk } from '../test/sdk.js';
import type { OtelOptions } from './options.js';
import { otel } from './otel.js';

const T0 = Date.UTC(2026, 0, 1);
const KEY = 'sk-live-0123456789abcdefghijklmnop';
const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Say hi' }] };
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function mockAdapter(name: string, options: MockProviderOptions = {}) {
  const mock = await startMockProvider({ apiKey: KEY, ...options });
  const adapter = openai({ name, baseURL: mock.url, apiKey: KEY });
  cleanup.push(() => adapter.close(), () => mock.close());
  return { mock, adapter };
}

function sdkFor(options: Omit<OtelOptions, 'tracerProvider' | 'meterProvider'> = {}) {
  const sdk = testSdk();
  cleanup.push(() => sdk.shutdown());
  return { sdk, middleware: otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, ...options }) };
}

describe('otel(): where the call span sits', () => {
  it('is a child of the active span, and is itself active while the pipeline runs', async () => {
    const { sdk, middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary');
    let inside: string | undefined;
    const probe: Middleware = async function probe(_ctx, next) {
      inside = trace.getActiveSpan()?.spanContext().spanId;
      await next();
    };
    const client = createClient({ adapter, use: [middleware, probe] });
    const handler = sdk.tracerProvider.getTracer('app');
    await handler.startActiveSpan('POST /chat', async (span) => {
      await client.chat(req);
      span.end();
    });
    const spans = sdk.spans();
    const [call, parent] = [spans.find((s) => s.name === 'chat gpt-4.1')!, spans.find((s) => s.name === 'POST /chat')!];
    expect(call.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(inside).toBe(call.spanContext().spanId);
    // With the system clock the SDK stamps the spans: the call and its attempt sit inside the parent.
    // The SDK starts a span at `Date.now()` (whole milliseconds) and adds a precise duration, so a
    // span started a fraction of a millisecond after its parent, in the next millisecond, can
    // appear to end up to 1 ms after it: that is the SDK's resolution, not the nesting.
    const attempt = spans.find((s) => s.name === 'attempt primary')!;
    const ns = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    const SDK_START_RESOLUTION_NS = 1_000_000n;
    expect(ns(call.startTime) >= ns(parent.startTime) && ns(call.endTime) <= ns(parent.endTime) + SDK_START_RESOLUTION_NS).toBe(true);
    expect(ns(attempt.startTime) >= ns(call.startTime) && ns(attempt.endTime) <= ns(call.endTime) + SDK_START_RESOLUTION_NS).toBe(true);
  });

  it('continues the trace given by `parent` (an incoming traceparent) and sends each attempt\'s context upstream with propagateUpstream', async () => {
    const propagator = new W3CTraceContextPropagator();
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parent = (ctx: Context) => propagator.extract(ROOT_CONTEXT, { traceparent: ctx.metadata.traceparent }, defaultTextMapGetter);
    const { sdk, middleware } = sdkFor({ parent, propagateUpstream: true, propagator });
    const { mock, adapter } = await mockAdapter('primary', { script: [{ status: 500 }, 'ok'] });
    const { retry } = await import('@lifeline/retry');
    const client = createClient({ adapter, use: [middleware, retry({ initialDelayMs: 1, budget: false })] });
    await client.chat(req, { metadata: { traceparent: incoming } });
    const [tree] = sdk.trees(0) as [SpanNode];
    const call = sdk.spans().find((s) => s.name === 'chat gpt-4.1')!;
    expect(call.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(call.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    const attempts = sdk.spans().filter((s) => s.name === 'attempt primary');
    expect(tree.children).toHaveLength(2);
    expect(mock.requests.map((r) => r.headers.traceparent)).toEqual(attempts.map((a) => `00-0af7651916cd43dd8448eb211c80319c-${a.spanContext().spanId}-01`));
  });

  it('sends no trace context upstream unless asked', async () => {
    const { middleware } = sdkFor();
    const { mock, adapter } = await mockAdapter('primary');
    await createClient({ adapter, use: [middleware] }).chat(req);
    expect(mock.requests[0]?.headers.traceparent).toBeUndefined();
  });
});

describe('otel(): content', () => {
  const conversation = {
    model: 'gpt-4.1',
    messages: [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'What is this?' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
    ],
  };

  it('records no prompt or completion by default, and never the API key', async () => {
    const { sdk, middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary');
    await createClient({ adapter, use: [middleware] }).chat(conversation);
    const recorded = JSON.stringify(sdk.spans().map((s) => [s.attributes, s.events, s.status]));
    expect(recorded).not.toContain('Be brief');
    expect(recorded).not.toContain('Hello from the mock provider');
    expect(recorded).not.toContain(KEY);
    expect(recorded).not.toContain('sk-live');
  });

  it('with captureContent: system instructions, input and output messages in the conventions\' format (inline images named, not copied)', async () => {
    const { sdk, middleware } = sdkFor({ captureContent: true });
    const { adapter } = await mockAdapter('primary');
    await createClient({ adapter, use: [middleware] }).chat(conversation);
    const call = sdk.spans().find((s) => s.name === 'chat gpt-4.1')!;
    expect(JSON.parse(call.attributes['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(JSON.parse(call.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What is this?' }, { type: 'blob', modality: 'image', mime_type: 'image/png' }] },
    ]);
    expect(JSON.parse(call.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello from the mock provider.' }], finish_reason: 'stop' },
    ]);
    expect(JSON.stringify(sdk.spans().map((s) => s.attributes))).not.toContain(KEY);
  });

  it('with captureContent on a stream: the assembled output, tool calls as parts', async () => {
    const { sdk, middleware } = sdkFor({ captureContent: true });
    const { adapter } = await mockAdapter('primary', { script: [{ reply: { text: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] } }] });
    const stream = createClient({ adapter, use: [middleware] }).stream(req);
    for await (const chunk of stream) void chunk;
    const call = sdk.spans().find((s) => s.name === 'chat gpt-4.1')!;
    expect(JSON.parse(call.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_calls' },
    ]);
    expect(call.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });
});

describe('otel(): hedges, stopped and aborted streams', () => {
  it('marks a hedged attempt, and the slow attempt that lost the race as aborted (not failed)', async () => {
    const clock = fakeClock(T0);
    const { sdk, middleware } = sdkFor();
    const slow = await mockAdapter('slow', { clock, script: [{ delayMs: 10_000 }] });
    const fast = await mockAdapter('fast', { clock });
    const client = createClient({ clock, use: [middleware, failover([slow.adapter, fast.adapter], { hedgeAfterMs: 50 })] });
    const { meta } = await clock.run(client.chat(req));
    expect(meta.provider).toBe('fast');
    const [tree] = sdk.trees(T0) as [SpanNode];
    expect(tree.attributes).toMatchObject({ 'lifeline.target': 'fast', 'lifeline.attempts': 2, 'lifeline.hedges': 1, 'lifeline.failovers': 0 });
    expect(tree.events).toEqual([{ name: 'lifeline.hedge', at: 50, attributes: { 'lifeline.failover.from': 'slow', 'lifeline.failover.to': 'fast' } }]);
    expect(tree.children.map((c) => [c.name, c.start, c.end, c.status, c.attributes['lifeline.attempt.hedge'], c.attributes['lifeline.attempt.aborted'], c.attributes['error.type']])).toEqual([
      ['attempt slow', 0, 50, { code: 0 }, undefined, true, undefined],
      ['attempt fast', 50, 50, { code: 0 }, true, undefined, undefined],
    ]);
  });

  it('a stream the consumer stops: the call ends then, lifeline.stream.stopped, its attempt aborted, no error', async () => {
    const { sdk, middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary', { script: [{ stream: { chunkDelayMs: 5 } }] });
    const stream = createClient({ adapter, use: [middleware] }).stream(req);
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    await stream.result.catch(() => {});
    const [tree] = sdk.trees(0) as [SpanNode];
    expect(tree.status).toEqual({ code: 0 });
    expect(tree.attributes['lifeline.stream.stopped']).toBe(true);
    expect(tree.attributes['error.type']).toBeUndefined();
    expect(tree.children.map((c) => [c.attributes['lifeline.attempt.aborted'], c.status.code])).toEqual([[true, 0]]);
  });

  it('times the first chunk with content, not a role-only opening chunk before it: call and attempt agree', async () => {
    const clock = fakeClock(T0);
    const { sdk, middleware } = sdkFor();
    // The role chunk goes out at once; the first word 40 ms later, then one every 5 ms.
    const adapter = scriptedAdapter([{ firstTokenDelayMs: 40, chunkDelayMs: 5, pieces: ['Hi', ' there', '!'] }], { name: 'primary', kind: 'openai', clock });
    const stream = createClient({ clock, adapter, use: [middleware] }).stream(req);
    const consume = async () => {
      const kinds: string[] = [];
      for await (const chunk of stream) kinds.push(chunk.choices[0]?.delta.content ? 'content' : 'other');
      return kinds;
    };
    expect(await clock.run(consume())).toEqual(['other', 'content', 'content', 'content', 'other', 'other']);
    const [tree] = sdk.trees(T0) as [SpanNode];
    expect(tree.attributes['gen_ai.response.time_to_first_chunk']).toBe(0.04);
    expect(tree.children.map((c) => c.attributes['gen_ai.response.time_to_first_chunk'])).toEqual([0.04]);
    const metrics = await sdk.metrics();
    expect(points(metrics.get('gen_ai.client.operation.time_to_first_chunk')).map((p) => (p.value as { sum: number }).sum)).toEqual([0.04]);
    // One interval per chunk after the first word: ' there' and '!' 5 ms each, the finish and usage chunks at once.
    expect(points(metrics.get('gen_ai.client.operation.time_per_output_chunk')).map((p) => p.value)).toMatchObject([{ count: 4, sum: 0.01 }]);
  });

  it('a stream aborted before it is read: the call span ends with error.type AbortError', async () => {
    const { sdk, middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary');
    const stream = createClient({ adapter, use: [middleware] }).stream(req);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.abort();
    const error = await stream.result.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    const [tree] = sdk.trees(0) as [SpanNode];
    expect([tree.name, tree.status.code, tree.attributes['error.type']]).toEqual(['chat gpt-4.1', 2, 'AbortError']);
  });
});

describe('otel(): sampling, operations, options', () => {
  it('a call sampled out records no span but still its metrics', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const sdk = testSdk();
    cleanup.push(() => sdk.shutdown(), () => tracerProvider.shutdown());
    const { adapter } = await mockAdapter('primary');
    await createClient({ adapter, use: [otel({ tracerProvider, meterProvider: sdk.meterProvider })] }).chat(req);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(points((await sdk.metrics()).get('gen_ai.client.operation.duration')).map((p) => (p.value as { count: number }).count)).toEqual([1]);
  });

  it('names an embedding call `embeddings {model}` (ctx.operation === "embed")', async () => {
    const { sdk, middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary');
    await createClient({ adapter, use: [middleware] }).embed({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    const [tree] = sdk.trees(0) as [SpanNode];
    expect([tree.name, tree.attributes['gen_ai.operation.name']]).toEqual(['embeddings text-embedding-3-small', 'embeddings']);
  });

  it.each([
    [{ captureContent: 'yes' }, "otel: captureContent must be a boolean, got 'yes'"],
    [{ propagateUpstream: 1 }, 'otel: propagateUpstream must be a boolean, got 1'],
    [{ tenantInMetrics: null }, 'otel: tenantInMetrics must be a boolean, got null'],
    [{ tracerProvider: {} }, 'otel: tracerProvider must be a TracerProvider (with getTracer), got an object'],
    [{ meterProvider: 'global' }, "otel: meterProvider must be a MeterProvider (with getMeter), got 'global'"],
    [{ propagator: { inject() {} } }, 'otel: propagator must be a TextMapPropagator (inject, extract, fields), got an object'],
    [{ parent: 'active' }, "otel: parent must be a function, got 'active'"],
    [{ providerName: {} }, 'otel: providerName must be a function, got an object'],
    [null, 'otel: options must be an object, got null'],
  ])('rejects %j with a ConfigurationError', (options, message) => {
    const attempt = () => otel(options as OtelOptions);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
  });

  it('never fails a call when recording fails (a throwing providerName): the call answers, a warning says why', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const { middleware } = sdkFor({ providerName: () => { throw new Error('no such provider table'); } });
      const { adapter } = await mockAdapter('primary');
      const { response } = await createClient({ adapter, use: [middleware] }).chat(req);
      expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
      expect(warn).toHaveBeenCalledWith('@lifeline/otel: recording telemetry failed: no such provider table', 'LifelineWarning');
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps the caller\'s active context unchanged after the call', async () => {
    const { middleware } = sdkFor();
    const { adapter } = await mockAdapter('primary');
    const before = context.active();
    await createClient({ adapter, use: [middleware] }).chat(req);
    expect(context.active()).toBe(before);
  });
});
