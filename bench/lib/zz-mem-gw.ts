// Gateway whose only provider answers from memory (25 chunks), or a bare Fastify server writing the same events.
import { createGateway } from '@lifeline/gateway';
import Fastify from 'fastify';
const words = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.'.split(' ');
const mk = (i: number, content: string | undefined, finish: string | null) => ({ id: 'chatcmpl-mem', object: 'chat.completion.chunk', created: 1733000000, model: 'gpt-4o-mini', choices: [{ index: 0, delta: content === undefined ? {} : { content }, logprobs: null, finish_reason: finish }] });
function chunks() {
  const out: any[] = [mk(0, '', null)];
  for (const w of words) out.push(mk(0, w + ' ', null));
  out.push(mk(0, undefined, 'stop'));
  out.push({ id: 'chatcmpl-mem', object: 'chat.completion.chunk', created: 1733000000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 10, completion_tokens: 22, total_tokens: 32 } });
  return out;
}
const which = process.argv[2];
if (which === 'fastify') {
  const app = Fastify({ logger: false });
  app.post('/v1/chat/completions', async (req, reply) => {
    const body = req.body as any;
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    let s = '';
    for (const c of chunks()) s += `data: ${JSON.stringify(c)}\n\n`;
    reply.raw.write(`data: ${JSON.stringify(chunks()[0])}\n\n`);
    reply.raw.end(s + 'data: [DONE]\n\n');
    reply.hijack();
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ type: 'ready', url });
} else {
  const adapter = {
    name: 'ok', kind: 'openai',
    async chat() { throw new Error('no'); },
    async stream() { const c = chunks(); let i = 0; const it = { take() { return i < c.length ? { value: c[i++], done: false } : undefined; }, next() { return Promise.resolve(i < c.length ? { value: c[i++], done: false } : { value: undefined, done: true }); }, return() { i = c.length; return Promise.resolve({ value: undefined, done: true }); }, [Symbol.asyncIterator]() { return it; } }; return it; },
  };
  const gateway = createGateway({ providers: { ok: { kind: 'openai', baseURL: 'http://127.0.0.1:9', apiKey: 'k' } }, routes: [{ model: '*', targets: ['ok'] }], ...JSON.parse(process.argv[3] ?? '{}') }, { pipeline: { adapters: { ok: adapter as any } } });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ type: 'ready', url });
}
