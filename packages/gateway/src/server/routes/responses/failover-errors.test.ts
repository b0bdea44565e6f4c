import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVendors, type Vendors } from '../../../../test/vendors.js';

const GATEWAY_KEY = 'gateway-key-0123456789';
let v: Vendors;
let client: OpenAI;

beforeAll(async () => {
  v = await startVendors({ auth: { keys: [GATEWAY_KEY] } });
  client = new OpenAI({ baseURL: `${v.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0, timeout: 10_000 });
});
afterAll(() => v.close());
beforeEach(() => {
  for (const mock of Object.values(v.mocks)) mock.reset();
});

/** `failover-*` routes to OpenAI (gpt-4.1) first, then Anthropic (claude-sonnet-4-5). */
const model = 'failover-model';

let lastHeaders: Headers | undefined;
async function rawEvents(body: Record<string, unknown>): Promise<Array<{ event: string; data: any }>> {
  const res = await fetch(`${v.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` }, body: JSON.stringify({ ...body, stream: true }) });
  lastHeaders = res.headers;
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [head, data] = block.split('\n');
      return { event: head!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) };
    });
}

describe('failover behind /v1/responses', () => {
  it('JSON: the primary (OpenAI) fails, Anthropic answers, the client gets one valid response', async () => {
    v.mocks.openai.setScript({ status: 503 });
    v.mocks.anthropic.setScript({ reply: { text: 'Answer from the backup.' } });
    const { data, response } = await client.responses.create({ model, input: 'Hi' }).withResponse();
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('Answer from the backup.');
    expect(data.model).toBe('claude-sonnet-4-5');
    expect(response.headers.get('x-lifeline-provider')).toBe('anthropic:claude-sonnet-4-5');
    expect(response.headers.get('x-lifeline-attempts')).toBe('2');
    expect((data as unknown as { lifeline: { route: string[] } }).lifeline.route).toEqual(['openai:gpt-4.1:error:server', 'anthropic:claude-sonnet-4-5:ok']);
    expect(v.mocks.openai.requests).toHaveLength(1);
  });

  it('stream: the primary breaks before any content, the stream comes from Anthropic as one response', async () => {
    v.mocks.openai.setScript({ stream: { errorAfter: 0 } });
    v.mocks.anthropic.setScript({ reply: { text: 'Streamed by the backup.' } });
    const stream = client.responses.stream({ model, input: 'Hi' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Streamed by the backup.');
    expect(final.status).toBe('completed');
    expect(v.mocks.openai.requests).toHaveLength(1);
    expect(v.mocks.anthropic.requests).toHaveLength(1);
    const events = await rawEvents({ model, input: 'Hi again' });
    expect(lastHeaders!.get('x-lifeline-provider')).toBe('anthropic:claude-sonnet-4-5');
    expect(lastHeaders!.get('x-lifeline-attempts')).toBe('2');
    expect(events.filter((e) => e.event === 'response.created')).toHaveLength(1);
    expect(events.at(-1)!.event).toBe('response.completed');
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
  });
});

describe('errors the openai client raises as its typed errors', () => {
  it('401 for a missing or wrong gateway key', async () => {
    const stranger = new OpenAI({ baseURL: `${v.url}/v1`, apiKey: 'not-a-gateway-key-at-all', maxRetries: 0 });
    const err = await stranger.responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as APIError).status).toBe(401);
    expect((err as APIError).message).toBe("401 Incorrect API key provided: the key is not one of the gateway's auth.keys");
    expect((err as APIError).code).toBe('invalid_api_key');
  });

  it('400 naming a built-in tool', async () => {
    const err = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toBe(
      '400 Invalid request: tools[0].type "web_search" is a built-in OpenAI tool and is not supported by this gateway (its upstreams may be any vendor): only function tools are',
    );
    expect((err as APIError).param).toBe('tools[0].type');
    expect((err as APIError).code).toBe('unsupported_tool');
    expect(v.mocks.openai.requests).toHaveLength(0);
  });

  it('400 previous_response_not_found for an unknown previous_response_id', async () => {
    const err = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', previous_response_id: 'resp_unknown' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toBe("400 Previous response with id 'resp_unknown' not found.");
    expect((err as APIError).param).toBe('previous_response_id');
    expect((err as APIError).code).toBe('previous_response_not_found');
  });

  it('429 with retry-after when the upstream rate-limits (JSON and stream)', async () => {
    v.mocks.openai.setScript({ preset: 'rate_limit', retryAfter: 7 });
    const err = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as APIError).status).toBe(429);
    expect((err as APIError).headers?.get('retry-after')).toBe('7');
    expect((err as APIError).code).toBe('rate_limit_exceeded');
    const streamed = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', stream: true }).catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(OpenAI.RateLimitError);
    expect((streamed as APIError).headers?.get('retry-after')).toBe('7');
  });

  it('502 when every target of the route failed', async () => {
    v.mocks.openai.setScript({ status: 503 });
    v.mocks.anthropic.setScript({ status: 500 });
    const err = await client.responses.create({ model, input: 'Hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as APIError).status).toBe(502);
    expect((err as APIError).message).toBe('502 Every failover target failed (2): openai:gpt-4.1: server 503; anthropic:claude-sonnet-4-5: server 500');
    expect((err as APIError).error).toMatchObject({ type: 'upstream_error', code: 'server' });
  });

  it('a break after content: the SDK raises APIError; the wire ends with error then response.failed', async () => {
    v.mocks.openai.setScript({ stream: { errorAfter: 2 } });
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).status).toBeUndefined();
    expect(seen).toContain('response.output_text.delta');
    expect(seen).not.toContain('response.completed');

    v.mocks.openai.setScript({ stream: { errorAfter: 2 } });
    const events = await rawEvents({ model: 'gpt-4.1', input: 'Hi' });
    expect(events.slice(-2).map((e) => e.event)).toEqual(['error', 'response.failed']);
    const failed = events.at(-1)!.data.response;
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('server_error');
    expect(failed.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(failed.output[0].content[0].text.length).toBeGreaterThan(0);
    expect(events.at(-2)!.data).toMatchObject({ type: 'error', code: 'server_error', error: { type: 'upstream_error' } });
  });
});
