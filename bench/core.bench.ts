/**
 * Cost of the bare onion: 8 no-op middleware around an in-process terminal, vs calling the
 * terminal directly, in the same run. Run: `npm run build && node bench/core.bench.ts`.
 */
import { Context, compose, createClient, type Adapter, type ChatResponse, type Middleware } from '@lifeline/core';
import { measure } from 'mitata';

const response: ChatResponse = {
  id: 'x', object: 'chat.completion', created: 0, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};
const adapter: Adapter = {
  name: 'inproc', kind: 'inproc',
  chat: async () => response,
  stream: async () => { throw new Error('not used'); },
};
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const noop: Middleware = async (_ctx, next) => { await next(); };
const eight = Array.from({ length: 8 }, () => noop);

const pipeline = compose(eight);
const terminal = async (ctx?: Context) => { ctx!.response = await adapter.chat(ctx!.request, { signal: undefined as never, metadata: {} }); };
const bare = createClient({ adapter });
const client8 = createClient({ adapter, use: eight });

const cases: Array<[string, () => Promise<unknown>]> = [
  ['baseline: adapter.chat() directly', () => adapter.chat(request, { signal: undefined as never, metadata: {} })],
  ['compose(8 no-op) + terminal, new Context per call', () => pipeline(new Context({ request }), terminal)],
  ['createClient({ adapter }).chat()  (0 middleware)', () => bare.chat(request)],
  ['createClient({ adapter, use: 8 no-op }).chat()', () => client8.chat(request)],
];

const results: Array<{ name: string; ns: number }> = [];
for (const [name, fn] of cases) {
  const stats = await measure(fn, { min_cpu_time: 500 * 1e6 });
  results.push({ name, ns: stats.avg });
}
const base = results[0]!.ns;
console.log(`\nLifeline core — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
console.log('| case | per call | vs baseline | added over baseline |');
console.log('|---|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.name} | ${(r.ns / 1000).toFixed(3)} µs | ${(r.ns / base).toFixed(2)}× | ${((r.ns - base) / 1000).toFixed(3)} µs |`);
}
const onion = results[1]!.ns - base;
console.log(`\nbare onion with 8 no-op middleware: ${(onion / 1000).toFixed(3)} µs per call (target < 2 µs): ${onion < 2000 ? 'OK' : 'OVER'}`);
