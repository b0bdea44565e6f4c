/**
 * Failover and errors as the official `@anthropic-ai/sdk` sees them: one valid message when the
 * primary fails before content, and the SDK's own typed errors for 401, 400, 404, 429 and an
 * exhausted failover.
 */
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_KEY, startVendors, type Vendors } from '../../../../test/messages-vendors.js';

let v: Vendors;
let sdk: Anthropic;
beforeAll(async () => {
  v = await startVendors({
    mock: (flavor) => ({
      text: `Answer from ${flavor}.`,
      routes: {
        'claude-down': { preset: 'overloaded' },
        'gpt-down': { preset: 'unavailable' },
        'gpt-limited': { status: 429, retryAfter: 7 },
        'claude-cut': { stream: { errorAfter: 2 } },
      },
    }),
    routes: [
      { model: 'claude-then-gpt', targets: [{ provider: 'anthropic', model: 'claude-down' }, { provider: 'openai', model: 'gpt-4.1' }] },
      { model: 'gpt-then-gemini', targets: [{ provider: 'openai', model: 'gpt-down' }, { provider: 'gemini', model: 'gemini-2.5-flash' }] },
      { model: 'all-down', targets: [{ provider: 'anthropic', model: 'claude-down' }, { provider: 'openai', model: 'gpt-down' }] },
      { model: 'limited', targets: [{ provider: 'openai', model: 'gpt-limited' }] },
      { model: 'cut', targets: [{ provider: 'anthropic', model: 'claude-cut' }] },
      { model: 'via-openai', targets: [{ provider: 'openai', model: 'gpt-4.1' }] },
    ],
    config: { circuitBreaker: { failureThreshold: 1000 } },
  });
  sdk = new Anthropic({ baseURL: v.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
});
afterAll(() => v.close());

const ask = (model: string) => ({ model, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hi' }] });

describe('failover before content', () => {
  it('create: Anthropic overloaded → the OpenAI answer, as one valid message', async () => {
    const { data, response } = await sdk.messages.create(ask('claude-then-gpt')).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Answer from openai.', citations: null }]);
    expect(data.model).toBe('gpt-4.1');
    expect(data.stop_reason).toBe('end_turn');
    expect(response.headers.get('x-lifeline-provider')).toBe('openai:gpt-4.1');
    expect((data as unknown as { lifeline: { route: string[] } }).lifeline.route).toEqual([
      'anthropic:claude-down:error:server',
      'anthropic:claude-down:error:server',
      'openai:gpt-4.1:ok',
    ]);
  });

  it('stream: OpenAI unavailable → the Gemini answer, one message_start and one message_stop', async () => {
    const stream = sdk.messages.stream(ask('gpt-then-gemini'));
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Answer from gemini.' })]);
    expect(message.model).toBe('gemini-2.5-flash');
    expect(events.filter((e) => e === 'message_start')).toHaveLength(1);
    expect(events.filter((e) => e === 'message_stop')).toHaveLength(1);
    const { response } = await sdk.messages.stream(ask('gpt-then-gemini')).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe('gemini:gemini-2.5-flash');
  });
});

describe('errors the SDK raises as its own types', () => {
  it('401 AuthenticationError for a wrong gateway key; x-api-key is accepted like Bearer', async () => {
    const wrong = new Anthropic({ baseURL: v.url, apiKey: 'not-a-gateway-key', maxRetries: 0 });
    const err = await wrong.messages.create(ask('via-openai')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as APIError).status).toBe(401);
    expect((err as APIError).type).toBe('authentication_error');
    expect((err as APIError).apiMessage).toBe("Incorrect API key provided: the key is not one of the gateway's auth.keys");

    const legacy = new Anthropic({ baseURL: v.url, apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': GATEWAY_KEY }, maxRetries: 0 });
    const message = await legacy.messages.create(ask('via-openai'));
    expect(message.content[0]).toMatchObject({ text: 'Answer from openai.' });
  });

  it('401 in Anthropic’s shape when no key is sent', async () => {
    const res = await fetch(`${v.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(ask('via-openai')) });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: "Missing API key: send Authorization: Bearer <key> (or x-api-key: <key>) with a key configured in the gateway's auth.keys" },
      request_id: res.headers.get('request-id'),
    });
  });

  it('400 BadRequestError for a missing max_tokens and for a server tool', async () => {
    const { max_tokens: _omit, ...noMax } = ask('via-openai');
    const missing = await sdk.messages.create(noMax as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
    expect((missing as APIError).type).toBe('invalid_request_error');
    expect((missing as APIError).apiMessage).toBe('Invalid request: max_tokens is required');

    const search = { type: 'web_search_20250305', name: 'web_search' } as unknown as Anthropic.Tool;
    const server = await sdk.messages.create({ ...ask('via-openai'), tools: [search] }).catch((e: unknown) => e);
    expect(server).toBeInstanceOf(Anthropic.BadRequestError);
    expect((server as APIError).apiMessage).toBe(
      'Invalid request: tools[0].type "web_search_20250305" is a server tool, which this gateway cannot run on every upstream; only custom tools ({ name, description, input_schema }) are supported',
    );
  });

  it('404 NotFoundError for a model no route serves', async () => {
    const err = await sdk.messages.create(ask('claude-unknown')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as APIError).type).toBe('not_found_error');
    expect((err as APIError).apiMessage).toBe("The model 'claude-unknown' is not served by this gateway: no route matches it. GET /v1/models lists the models it serves.");
  });

  it('429 RateLimitError with retry-after when every target is rate-limited (JSON and stream)', async () => {
    for (const call of [() => sdk.messages.create(ask('limited')), () => sdk.messages.stream(ask('limited')).finalMessage()]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect((err as APIError).type).toBe('rate_limit_error');
      expect((err as APIError).headers?.get('retry-after')).toBe('7');
    }
  });

  it('529 OverloadedError when every target failed (JSON and stream)', async () => {
    for (const call of [() => sdk.messages.create(ask('all-down')), () => sdk.messages.stream(ask('all-down')).finalMessage()]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.OverloadedError);
      expect((err as APIError).status).toBe(529);
      expect((err as APIError).type).toBe('overloaded_error');
      expect((err as APIError).apiMessage).toBe('Every failover target failed (2): anthropic:claude-down: server 529; openai:gpt-down: server 503');
      expect((err as APIError).headers?.get('x-lifeline-attempts')).toBe('4');
    }
  });

  it('a stream that breaks after content ends with event: error, which the SDK raises', async () => {
    const stream = sdk.messages.stream(ask('cut'));
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(texts.join('')).toBe('Answer from');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as APIError).type).toBe('overloaded_error');
    expect((err as APIError).apiMessage).toMatch(/^Stream from anthropic:claude-cut broke after content was delivered/);
  });
});
