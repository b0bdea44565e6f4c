/**
 * Child process: the floor for a Fastify gateway. A plain Fastify app (JSON body parsing, its
 * default logger off) that forwards `POST /v1/chat/completions` with an undici keep-alive pool per
 * upstream, parses the reply and sends it back; streams are piped. Targets come from argv[2] as in
 * `bare-proxy.ts`: `{ "<model>": [{ url, model? }, …] }` (`*` for any model); a 5xx or a refused
 * connection moves on to the next target.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

type Target = { url: string; model?: string };
const routes = JSON.parse(process.argv[2] ?? '{}') as Record<string, Target[]>;
const apiKey = process.env.UPSTREAM_KEY ?? 'test-key';
const pools = new Map<string, Pool>();
const poolFor = (origin: string) => {
  let pool = pools.get(origin);
  if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000 })));
  return pool;
};

const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
app.post('/v1/chat/completions', async (req, reply) => {
  const body = req.body as { model?: string; stream?: boolean };
  const targets = routes[body.model ?? ''] ?? routes['*'] ?? [];
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    const url = new URL(`${target.url}/chat/completions`);
    let up;
    try {
      up = await poolFor(url.origin).request({
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(target.model ? { ...body, model: target.model } : body),
      });
    } catch (err) {
      if (i < targets.length - 1) continue;
      return reply.code(502).send({ error: { message: `upstream: ${(err as Error).message}`, type: 'api_error', param: null, code: null } });
    }
    if (up.statusCode >= 500 && i < targets.length - 1) {
      await up.body.dump();
      continue;
    }
    if (body.stream && up.statusCode === 200) {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for await (const chunk of up.body) reply.raw.write(chunk);
      reply.raw.end();
      return reply;
    }
    const answer = JSON.parse(await up.body.text());
    return reply.code(up.statusCode).send(answer);
  }
  return reply.code(404).send({ error: { message: 'no route', type: 'invalid_request_error', param: null, code: null } });
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'ready', url });
process.once('SIGTERM', () => {
  void app.close().then(() => Promise.all([...pools.values()].map((p) => p.close()))).finally(() => process.exit(0));
});
