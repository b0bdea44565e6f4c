/**
 * Child process: the floor for any Node gateway. A plain `node:http` server that parses the
 * request, forwards it with an undici keep-alive pool per upstream, parses the reply and writes it
 * back; streams are piped. Targets come from argv[2]: `{ "<model>": [{ url, model? }, …] }` (`*`
 * for any model); a 5xx or a refused connection moves on to the next target (a bare fallback).
 *
 * `BENCH_PROXY_PARSE=1` makes it the floor for a gateway that reads each chunk (to meter it, check
 * it for an in-band error, record it): a stream's SSE events are parsed (`eventsource-parser`),
 * each `data:` line `JSON.parse`d and written back as `data: ${JSON.stringify(chunk)}` — and
 * nothing else (no timeouts, no accounting, no failover once the stream started). The events that
 * one read of the upstream body brings are written together, in one `write()` (as the gateway
 * does): written one by one, they cost a 32-connection stream of ~25 chunks ~1.9× the piping
 * proxy's CPU instead of ~1.4×, a floor no careful gateway has.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
import { serveChild } from './serve-child.ts';

type Target = { url: string; model?: string };
const routes = JSON.parse(process.argv[2] ?? '{}') as Record<string, Target[]>;
const apiKey = process.env.UPSTREAM_KEY ?? 'test-key';
// Upstream connections per origin (`BENCH_UPSTREAM_CONNECTIONS`, as the gateway's `providers.<name>.connections`).
const connections = Number(process.env.BENCH_UPSTREAM_CONNECTIONS ?? 64);
const parseStreams = process.env.BENCH_PROXY_PARSE === '1';
const pools = new Map<string, Pool>();
const poolFor = (origin: string) => {
  let pool = pools.get(origin);
  if (!pool) pools.set(origin, (pool = new Pool(origin, { connections, keepAliveTimeout: 30_000 })));
  return pool;
};

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return fail(res, 404, 'not found');
  let body: { model?: string; stream?: boolean };
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return fail(res, 400, 'invalid JSON');
  }
  const targets = routes[body.model ?? ''] ?? routes['*'] ?? [];
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    const url = new URL(`${target.url}/chat/completions`);
    const payload = JSON.stringify(target.model ? { ...body, model: target.model } : body);
    let up;
    try {
      up = await poolFor(url.origin).request({
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: payload,
      });
    } catch (err) {
      if (i < targets.length - 1) continue;
      return fail(res, 502, `upstream: ${(err as Error).message}`);
    }
    if (up.statusCode >= 500 && i < targets.length - 1) {
      await up.body.dump();
      continue;
    }
    if (body.stream && up.statusCode === 200) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (parseStreams) await relayEvents(up.body, res);
      else for await (const chunk of up.body) res.write(chunk);
      return void res.end();
    }
    const reply = JSON.parse(await up.body.text());
    res.writeHead(up.statusCode, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify(reply));
  }
  fail(res, 404, 'no route');
}

/** Writes each SSE event of `body` to `res` parsed and serialised again (`BENCH_PROXY_PARSE=1`). */
async function relayEvents(body: AsyncIterable<Buffer>, res: ServerResponse): Promise<void> {
  let out = '';
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') out += 'data: [DONE]\n\n';
      else out += `data: ${JSON.stringify(JSON.parse(event.data))}\n\n`;
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (out !== '') res.write(out), (out = '');
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: Error) => fail(res, 502, err.message));
});
serveChild(server, () => Promise.all([...pools.values()].map((p) => p.close())));
