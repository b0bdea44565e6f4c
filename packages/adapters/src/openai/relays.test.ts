/**
 * Relay quirks the mock provider does not script: exact wire bytes from a local server.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ContextLengthError,
  RateLimitError,
  ResponseAssembler,
  ServerError,
  StreamInterruptedError,
  type AdapterCall,
  type ChatChunk,
  type ChatRequest,
} from '@lifeline/core';
import { startServer, writeSlowly, type TestServer } from '../../test/http-server.js';
import { openai, type OpenAIAdapter } from './adapter.js';

const REQ: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
let server: TestServer | undefined;
let adapter: OpenAIAdapter | undefined;

afterEach(async () => {
  await adapter?.close();
  await server?.close();
  adapter = undefined;
  server = undefined;
});

const call = (): AdapterCall => ({ signal: new AbortController().signal, metadata: {} });
const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;

async function serve(respond: (res: ServerResponse, body: string) => unknown): Promise<OpenAIAdapter> {
  server = await startServer((_req, res, body) => respond(res, body));
  adapter = openai({ baseURL: server.url, apiKey: 'sk-relay-key-123456', name: 'relay' });
  return adapter;
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_s' });
}

async function assemble(stream: AsyncIterable<ChatChunk>) {
  const asm = new ResponseAssembler();
  const chunks: ChatChunk[] = [];
  for await (const c of stream) {
    chunks.push(c);
    asm.push(c);
  }
  return { chunks, response: asm.finish() };
}

describe('OpenAI-compatible relays: error bodies', () => {
  it('reads the old flat vLLM error and its integer code', async () => {
    const a = await serve((res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', message: "This model's maximum context length is 4096 tokens.", type: 'BadRequestError', param: null, code: 400 }));
    });
    const err = await a.chat(REQ, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextLengthError);
    expect((err as Error).message).toBe("openai relay: 400 BadRequestError — This model's maximum context length is 4096 tokens.");
  });

  it('reads a Gemini-compat error array', async () => {
    const a = await serve((res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }]));
    });
    const err = await a.chat(REQ, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryable: true, providerCode: 'RESOURCE_EXHAUSTED' });
  });

  it('reads an error array in an HTTP 200', async () => {
    const a = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ error: { code: 400, message: 'Invalid JSON payload', status: 'INVALID_ARGUMENT' } }]));
    });
    const err = await a.chat(REQ, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, retryable: false });
  });

  it('lifts Groq x_groq.usage and fills in missing fields of a completion', async () => {
    const a = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', model: 'm', choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }], x_groq: { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } } }));
    });
    const r = await a.chat(REQ, call());
    expect(r).toMatchObject({ object: 'chat.completion', created: 0, usage: { total_tokens: 4 } });
    expect(r.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' });
  });

  it('assembles an SSE answer to a non-streamed request', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.end(`${chunk({ role: 'assistant', content: 'str' })}${chunk({ content: 'eamed' })}${chunk({}, 'stop')}data: [DONE]\n\n`);
    });
    const r = await a.chat(REQ, call());
    expect(r).toMatchObject({ id: 'c1', object: 'chat.completion', choices: [{ message: { content: 'streamed' }, finish_reason: 'stop' }] });
  });

  it('refuses a 200 that is not a completion', async () => {
    const a = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    const err = await a.chat(REQ, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('openai relay: 200 with a body that is not a chat completion (no choices array)');
  });
});

describe('OpenAI-compatible relays: streams', () => {
  it('reads CRLF framing split into tiny packets, choices:null and the usage chunk', async () => {
    const a = await serve(async (res) => {
      sseHead(res);
      const wire = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'),
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: null, usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } })}\n\n`,
        'data: [DONE]\n\n'].join('').replace(/\n/g, '\r\n');
      await writeSlowly(res, wire.match(/[\s\S]{1,7}/g)!, 0);
      res.end();
    });
    const { chunks, response } = await assemble(await a.stream(REQ, call()));
    expect(response.choices[0]!.message.content).toBe('Hello');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 4 } });
  });

  it('indexes tool calls sent whole and without index (Ollama, Gemini-compat)', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'one', arguments: '{"x":1}' } }] }));
      res.write(chunk({ tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'two', arguments: '{}' } }] }));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
    const { chunks, response } = await assemble(await a.stream(REQ, call()));
    expect(chunks[0]!.choices[0]!.delta.tool_calls![0]!.index).toBe(0);
    expect(chunks[1]!.choices[0]!.delta.tool_calls![0]!.index).toBe(1);
    expect(response.choices[0]!.message.tool_calls!.map((t) => [t.id, t.function.name, t.function.arguments])).toEqual([
      ['call_a', 'one', '{"x":1}'],
      ['call_b', 'two', '{}'],
    ]);
  });

  it('takes usage from x_groq on the last chunk', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ content: 'a' }));
      res.end(`${chunk({}, 'stop', { x_groq: { id: 'g', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } })}data: [DONE]\n\n`);
    });
    const { response } = await assemble(await a.stream(REQ, call()));
    expect(response.usage).toMatchObject({ total_tokens: 2 });
  });

  it('raises the mapped class for an in-band error with a numeric code (OpenRouter)', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ content: 'partial' }));
      res.end(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', error: { code: 429, message: 'Rate limited upstream' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] })}\n\n`);
    });
    const err = await assemble(await a.stream(REQ, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryable: true, requestId: 'req_s' });
    expect((err as Error).message).toBe('openai relay: error in stream — Rate limited upstream');
  });

  it('raises StreamInterruptedError on finish_reason "error" without an error object', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ content: 'partial' }));
      res.end(chunk({}, 'error', { choices: [{ index: 0, delta: {}, finish_reason: 'error', native_finish_reason: 'upstream_reset' }] }));
    });
    const err = await assemble(await a.stream(REQ, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ contentDelivered: true, retryable: true });
    expect((err as Error).message).toBe('openai relay: the provider ended the stream with finish_reason "error" (upstream_reset)');
  });

  it('raises an `event: error` even when its data is not an error envelope', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.end('event: error\ndata: {"message":"boom"}\n\n');
    });
    const err = await assemble(await a.stream(REQ, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('openai relay: error in stream — {"message":"boom"}');
  });

  it('fails a stream whose body ends cleanly before any finish_reason', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.end(chunk({ content: 'Hel' }));
    });
    const err = await assemble(await a.stream(REQ, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ contentDelivered: true, retryable: true, requestId: 'req_s' });
    expect((err as Error).message).toBe('openai relay: stream ended before [DONE] without a finish_reason (truncated)');
  });

  it('completes when the socket drops after the finish_reason (usage may be lost)', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ content: 'Done.' }));
      res.write(chunk({}, 'stop'));
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const { response } = await assemble(await a.stream(REQ, call()));
    expect(response.choices[0]).toMatchObject({ message: { content: 'Done.' }, finish_reason: 'stop' });
  });

  it('waits for every choice of n > 1 to finish', async () => {
    const a = await serve((res) => {
      sseHead(res);
      res.write(chunk({ content: 'a' }));
      res.write(chunk({ content: 'b' }, null, { choices: [{ index: 1, delta: { content: 'b' }, finish_reason: null }] }));
      res.end(chunk({}, 'stop'));
    });
    const err = await assemble(await a.stream({ ...REQ, n: 2 }, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
  });

  it('completes without [DONE] once every choice of n > 1 finished, in any order; not while one is open', async () => {
    const choice = (index: number, finish: string | null) => chunk({}, finish, { choices: [{ index, delta: { content: String(index) }, finish_reason: finish }] });
    const all = await serve((res) => {
      sseHead(res);
      res.write(choice(1, null) + choice(0, null) + choice(1, 'stop'));
      res.end(choice(0, 'length'));
    });
    const { response } = await assemble(await all.stream({ ...REQ, n: 2 }, call()));
    expect(response.choices.map((c) => c.finish_reason)).toEqual(['length', 'stop']);
    const open = await serve((res) => {
      sseHead(res);
      res.write(choice(0, 'stop') + choice(1, null));
      res.end(choice(2, 'stop'));
    });
    const err = await assemble(await open.stream({ ...REQ, n: 3 }, call())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
  });

  it('replays a JSON completion sent in answer to a stream request', async () => {
    const a = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 5, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    });
    const { response } = await assemble(await a.stream(REQ, call()));
    expect(response).toMatchObject({ choices: [{ message: { content: 'whole' }, finish_reason: 'stop' }], usage: { total_tokens: 2 } });
  });

  it('raises the error of a JSON error body sent in answer to a stream request', async () => {
    const a = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 503, message: 'No instances available' } }));
    });
    const err = await a.stream(REQ, call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 503, retryable: true });
  });
});
