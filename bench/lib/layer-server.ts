/**
 * Child process: one rung of the stream-layers ladder, serving `POST /v1/chat/completions` on
 * 127.0.0.1:0 and announcing `{ type: 'ready', url }` over IPC. argv[2] is JSON `{ rung, baseURL }`:
 *
 * - `client-proxy`: a plain `node:http` server that answers through `createClient({ adapter })`
 *   (Lifeline's core and OpenAI adapter, no middleware), writing a stream's chunks as the
 *   parsing proxy writes its events (the provider's own text, what arrived together in one write);
 * - `gateway-client`: Lifeline's gateway serving that same client (`createPipeline`), default
 *   server options (logs at info, to /dev/null here).
 *
 * Tuned as the `lifeline` command tunes its process (`tuneHeapForServing()`).
 */
import { createServer } from 'node:http';
import { openai } from '@lifeline/adapters';
import { CHUNK_JSON, RESPONSE_JSON, chunkJsonOf, createClient, responseJsonOf, takeFrom, type ChatChunk, type ChatRequest } from '@lifeline/core';
import { createGateway, createPipeline, tuneHeapForServing } from '@lifeline/gateway';
import { serveChild } from './serve-child.ts';

tuneHeapForServing();
const { rung, baseURL } = JSON.parse(process.argv[2] ?? '{}') as { rung: 'client-proxy' | 'gateway-client'; baseURL: string };
const client = createClient({ adapter: openai({ baseURL, apiKey: 'test-key', name: 'ok' }) });

if (rung === 'gateway-client') {
  const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client, targets: ['ok'] }], chunksUnchanged: true }) });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ type: 'ready', url });
  process.once('SIGTERM', () => void gateway.close().finally(() => process.exit(0)));
} else {
  // The provider's own texts, as the gateway asks for them when nothing edits chunks in place.
  const metadata = { [CHUNK_JSON]: true, [RESPONSE_JSON]: true };
  const server = createServer((req, res) => {
    void answer(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: err.message } }));
    });
  });
  async function answer(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    let text = '';
    req.setEncoding('utf8');
    for await (const part of req) text += part;
    const request = JSON.parse(text) as ChatRequest & { stream?: boolean };
    if (!request.stream) {
      const { response } = await client.chat(request, { metadata });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(responseJsonOf(response) ?? JSON.stringify(response));
    }
    const it = client.stream(request, { metadata })[Symbol.asyncIterator]();
    let r: IteratorResult<ChatChunk> = await it.next();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let out = '';
    while (!r.done) {
      out += `data: ${chunkJsonOf(r.value) ?? JSON.stringify(r.value)}\n\n`;
      const taken = takeFrom(it);
      if (taken) {
        r = taken;
        continue;
      }
      res.write(out);
      out = '';
      r = await it.next();
    }
    res.end(`${out}data: [DONE]\n\n`);
  }
  serveChild(server);
}
