import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHUNK_JSON, StreamInterruptedError, chunkJsonOf, type AdapterCall, type ChatChunk, type TakeableIterator } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openai } from './adapter.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** The base URL of a mock provider that streams `events` (each a `data:` payload) in one write. */
async function sseServer(events: string[]): Promise<string> {
  const mock = await startMockProvider({ apiKey: 'k', script: { raw: { body: events.map((e) => `data: ${e}\n\n`).join('') } } });
  closers.push(() => mock.close());
  return mock.url;
}

/** A chunk's JSON as a provider may write it: `\u00e9` escaped (JSON.stringify would write é). */
const content = (text: string, finish: string | null = null) =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}],"usage":null}`;
const usage = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}';

const call = (metadata: Record<string | symbol, unknown>): AdapterCall => ({ signal: new AbortController().signal, metadata: metadata as Record<string, unknown> });

async function streamOf(baseURL: string, metadata: Record<string | symbol, unknown>): Promise<ChatChunk[]> {
  const adapter = openai({ baseURL, apiKey: 'k' });
  closers.push(() => adapter.close());
  const chunks: ChatChunk[] = [];
  for await (const c of await adapter.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, call(metadata))) chunks.push(c);
  return chunks;
}

describe('openai() stream: the provider JSON text of each chunk', () => {
  it('with CHUNK_JSON in the metadata, a chunk parsed as is carries its text, byte for byte', async () => {
    const events = [content('caf\\u00e9'), content(' au lait', 'stop'), usage];
    const chunks = await streamOf(await sseServer([...events, '[DONE]']), { [CHUNK_JSON]: true });
    expect(chunks.map((c) => chunkJsonOf(c))).toEqual(events);
    expect(chunks[0]!.choices[0]!.delta.content).toBe('café');
  });

  it('without CHUNK_JSON, no chunk carries a text', async () => {
    const chunks = await streamOf(await sseServer([content('a', 'stop'), '[DONE]']), {});
    expect(chunks).toHaveLength(1);
    expect(chunkJsonOf(chunks[0]!)).toBeUndefined();
  });

  it('a chunk the adapter had to normalise carries none (its text says something else)', async () => {
    const noFinish = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}';
    const noObject = '{"id":"c1","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}]}';
    const groqUsage = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}}';
    const toolWithoutIndex = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}';
    const chunks = await streamOf(await sseServer([noFinish, noObject, toolWithoutIndex, groqUsage, '[DONE]']), { [CHUNK_JSON]: true });
    expect(chunks.map((c) => chunkJsonOf(c))).toEqual([undefined, undefined, undefined, undefined]);
    expect(chunks[0]!.choices[0]!.finish_reason).toBeNull();
    expect(chunks[1]!.object).toBe('chat.completion.chunk');
    expect(chunks[2]!.choices[0]!.delta.tool_calls![0]!.index).toBe(0);
    expect(chunks[3]!.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it('a chunk sent over several data lines carries none (its text would break the event framing)', async () => {
    const twoLines = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m",\ndata: "choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}';
    const chunks = await streamOf(await sseServer([twoLines, '[DONE]']), { [CHUNK_JSON]: true });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.choices[0]!.delta.content).toBe('a');
    expect(chunkJsonOf(chunks[0]!)).toBeUndefined();
  });

  it('hands out events read in the same packet without waiting (take)', async () => {
    const adapter = openai({ baseURL: await sseServer([content('a'), content('b'), content('c', 'stop'), '[DONE]']), apiKey: 'k' });
    closers.push(() => adapter.close());
    const it = (await adapter.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, call({})))[Symbol.asyncIterator]() as AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;
    expect(it.take!()).toBeUndefined(); // nothing read before the first next()
    expect((await it.next()).value!.choices[0]!.delta.content).toBe('a');
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('b');
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('c');
    expect(it.take!()).toBeUndefined(); // [DONE]: the end comes from next()
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('a malformed event met by take() fails the next next(), as a for-await would', async () => {
    const adapter = openai({ baseURL: await sseServer([content('a'), '{"id":', content('c', 'stop'), '[DONE]']), apiKey: 'k' });
    closers.push(() => adapter.close());
    const it = (await adapter.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, call({})))[Symbol.asyncIterator]() as AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;
    expect((await it.next()).value!.choices[0]!.delta.content).toBe('a');
    expect(it.take!()).toBeUndefined();
    const err = await it.next().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('openai: malformed chunk in stream — {"id":');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('stopped before its first read, the stream releases the body (the connection closes)', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((r) => (closed = r));
    const server: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${content('a')}\n\n`); // and never ends
      res.on('close', () => closed());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const adapter = openai({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' });
    closers.push(() => adapter.close());
    const it = (await adapter.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, call({})))[Symbol.asyncIterator]();
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    await connectionClosed;
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
