/**
 * `telemetry:` end to end: a client sends a `traceparent` to the gateway, the gateway calls a mock
 * provider over loopback (passing the attempt's trace context upstream), and exports its spans and
 * metrics over OTLP/HTTP to a receiver this test runs on 127.0.0.1. The receiver decodes what it
 * got and finds the call span as a child of the client's span.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpProtocol } from '../config/telemetry.js';
import { createGateway, type Gateway } from '../server/create-gateway.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An OTLP/HTTP receiver: records every export and answers 200 with an empty response. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** Every span of the JSON trace exports. */
function spansOf(received: Received[]): OtlpSpan[] {
  return received
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => (JSON.parse(r.body.toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans)
    .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

const attribute = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
};

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function setup(protocol: OtlpProtocol | undefined, propagateUpstream: boolean) {
  const receiver = await startReceiver();
  const mock: MockProvider = await startMockProvider();
  cleanup.push(() => mock.close(), () => new Promise((resolve) => receiver.server.close(resolve)));
  const gateway: Gateway = createGateway({
    server: { logLevel: 'silent' },
    providers: { main: { kind: 'openai', baseURL: mock.url, apiKey: 'test-key' } },
    routes: [{ model: '*', targets: ['main'] }],
    telemetry: { otlp: { endpoint: receiver.url, ...(protocol && { protocol }), headers: { authorization: 'Bearer otlp-secret-token' } }, serviceName: 'gw-under-test', propagateUpstream },
  });
  cleanup.unshift(() => gateway.close());
  const url = await gateway.listen({ port: 0 });
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', defaultHeaders: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` } });
  return { receiver, mock, gateway, openai };
}

describe('gateway telemetry over OTLP/HTTP', () => {
  it('exports the call span as a child of the client\'s traceparent, its attempt below it, and the GenAI metrics (http/json)', async () => {
    const { receiver, mock, gateway, openai } = await setup('http/json', true);
    const completion = await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from the mock provider.');
    expect(gateway.pipeline.secrets?.()).toContain('Bearer otlp-secret-token'); // scrubbed from errors and logs like an API key
    await gateway.close(); // flushes the batch processor and the metric reader

    const spans = spansOf(receiver.received);
    const call = spans.find((s) => s.name === 'chat gpt-4.1');
    expect(call).toBeDefined();
    expect([call!.traceId, call!.parentSpanId, call!.kind]).toEqual([TRACE_ID, CLIENT_SPAN_ID, 3]); // 3: SPAN_KIND_CLIENT
    expect([attribute(call!, 'gen_ai.operation.name'), attribute(call!, 'gen_ai.provider.name'), attribute(call!, 'lifeline.target'), attribute(call!, 'server.port')]).toEqual(['chat', 'openai', 'main', mock.port]);
    const attempt = spans.find((s) => s.parentSpanId === call!.spanId);
    expect([attempt?.name, attempt?.traceId, attribute(attempt!, 'http.response.status_code')]).toEqual(['attempt main', TRACE_ID, 200]);
    // The upstream request carried the attempt's trace context.
    expect(mock.requests[0]?.headers.traceparent).toBe(`00-${TRACE_ID}-${attempt!.spanId}-01`);

    const resource = (JSON.parse(receiver.received.find((r) => r.path === '/v1/traces')!.body.toString('utf8')) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> } }> }).resourceSpans[0]!.resource;
    expect(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('gw-under-test');
    const metricNames = receiver.received
      .filter((r) => r.path === '/v1/metrics')
      .flatMap((r) => (JSON.parse(r.body.toString('utf8')) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }> }).resourceMetrics)
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)));
    expect(metricNames).toEqual(expect.arrayContaining(['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'lifeline.cost']));
    expect(receiver.received.every((r) => r.headers.authorization === 'Bearer otlp-secret-token')).toBe(true);
    expect(receiver.received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
  });

  it('sends no trace context upstream unless telemetry.propagateUpstream; exports OTLP protobuf when no protocol is given', async () => {
    const { receiver, mock, gateway, openai } = await setup(undefined, false);
    await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hi' }] });
    await gateway.close();
    expect(mock.requests[0]?.headers.traceparent).toBeUndefined();
    const traces = receiver.received.filter((r) => r.path === '/v1/traces');
    expect(traces.map((r) => r.headers['content-type'])).toEqual(['application/x-protobuf']);
    // Protobuf carries ids as raw bytes: the client's trace id and span id are in the payload.
    expect(traces[0]!.body.includes(Buffer.from(TRACE_ID, 'hex'))).toBe(true);
    expect(traces[0]!.body.includes(Buffer.from(CLIENT_SPAN_ID, 'hex'))).toBe(true);
    expect(traces[0]!.body.includes(Buffer.from('chat gpt-4.1'))).toBe(true);
  });
});
