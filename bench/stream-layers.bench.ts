/**
 * Where a proxied request's CPU goes, layer by layer: the same requests through a ladder of
 * servers, each adding one layer to the one before, in their own processes, against the same mock
 * (its own process), 32 connections, rounds interleaved:
 *
 * 1. bare Fastify + undici, piping the upstream's bytes (the floor the gateway targets name);
 * 2. the parsing proxy: bare `node:http` reading each SSE event (parsed, `JSON.parse`d, serialised
 *    again, the events of one read written together) — the floor for any gateway that reads chunks;
 * 3. `node:http` + Lifeline's client with only its OpenAI adapter (`createClient({ adapter })`);
 * 4. Lifeline's gateway serving that client (`createPipeline`: the server, no middleware);
 * 5. Lifeline's gateway, default config with `cache: false` (the default middleware stack);
 * 6. the same with the default record-only cache.
 *
 * Streams of two lengths split each rung's CPU into a fixed part per stream and a part per chunk.
 *
 * Run: `npm run build && npm run bench:stream-layers -w bench [-- --rounds=5] [--requests=5000] [--warmup=20000] [--modes=json,short,long]`
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { numberArg } from './lib/args.ts';
import { httpLoad } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = numberArg('rounds', 5);
const REQUESTS = numberArg('requests', 5000);
const WARMUP = numberArg('warmup', 20_000);
const apiKey = 'test-key';
const LONG_TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const mock = await startMockProcess({ flavor: 'openai', apiKey, text: LONG_TEXT, maxRecorded: 1, routes: { short: { reply: { text: 'Hello.' } } } });

type Mode = 'json' | 'short' | 'long';
const modes = (process.argv.find((a) => a.startsWith('--modes='))?.slice(8).split(',') ?? ['json', 'short', 'long']) as Mode[];
const bodyOf = (mode: Mode) => JSON.stringify({ model: mode === 'short' ? 'short' : 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], ...(mode !== 'json' && { stream: true }) });

/** Events (`data:` lines, `[DONE]` included) of a streamed answer, read from the mock directly. */
async function eventsOf(mode: Mode): Promise<number> {
  const res = await request(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: bodyOf(mode).replace('[<id>]', '0') });
  return (await res.body.text()).split('\n').filter((l) => l.startsWith('data:')).length;
}
const events = { short: await eventsOf('short'), long: await eventsOf('long') };

const routes = JSON.stringify({ '*': [{ url: mock.url }] });
const config = (extra: object) => JSON.stringify({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }], ...extra });
const rungs: Array<{ name: string; server: ServerProcess; streamsOnly?: boolean }> = [
  { name: '1. bare Fastify + undici (pipes bytes)', server: await startServerProcess({ script: join(here, 'lib/bare-fastify-proxy.ts'), args: [routes] }) },
  { name: '2. parsing proxy (node:http, each event parsed)', server: await startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [routes], env: { BENCH_PROXY_PARSE: '1' } }), streamsOnly: true },
  { name: '3. node:http + createClient({ adapter })', server: await startServerProcess({ script: join(here, 'lib/layer-server.ts'), args: [JSON.stringify({ rung: 'client-proxy', baseURL: mock.url })] }) },
  { name: '4. gateway serving createClient({ adapter })', server: await startServerProcess({ script: join(here, 'lib/layer-server.ts'), args: [JSON.stringify({ rung: 'gateway-client', baseURL: mock.url })] }) },
  { name: '5. gateway, default config, cache off', server: await startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [config({ cache: false })] }) },
  { name: '6. gateway, default config (record-only cache)', server: await startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [config({})] }) },
];

const cpu = new Map<string, number[]>();
for (const mode of modes) {
  const cases = rungs.filter((r) => mode !== 'json' || !r.streamsOnly);
  for (const r of cases) await httpLoad({ url: `${r.server.url}/v1/chat/completions`, body: bodyOf(mode), connections: 32, amount: WARMUP });
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of cases) {
      const res = await httpLoad({ url: `${r.server.url}/v1/chat/completions`, body: bodyOf(mode), connections: 32, amount: REQUESTS, server: r.server });
      if (res.non2xx + res.errors > 0) throw new Error(`${r.name}, ${mode}: ${res.non2xx} non-2xx answers and ${res.errors} errors`);
      const key = `${mode}\t${r.name}`;
      cpu.set(key, [...(cpu.get(key) ?? []), res.cpuUsPerReq!]);
    }
  }
  console.error(`stream-layers: ${mode} done`);
}
await Promise.all(rungs.map((r) => r.server.close()));
await mock.close();

const med = (mode: Mode, name: string) => median(cpu.get(`${mode}\t${name}`) ?? [NaN]);
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const title = { json: 'JSON', short: `stream of ${events.short} events`, long: `stream of ${events.long} events` };
console.log(`\nCPU µs per request at 32 connections: median of ${ROUNDS} interleaved rounds of ${REQUESTS} requests (range beside it), after ${WARMUP} of warm-up per rung and mode.`);
console.log(`\n| rung | ${modes.map((m) => `${title[m]} | step`).join(' | ')} |`);
console.log(`|---|${modes.map(() => '---:|---:').join('|')}|`);
for (const [i, r] of rungs.entries()) {
  const cells = modes.map((m) => {
    const xs = cpu.get(`${m}\t${r.name}`);
    if (!xs) return '— | —';
    const prev = rungs.slice(0, i).reverse().find((p) => cpu.has(`${m}\t${p.name}`));
    const step = prev ? med(m, r.name) - med(m, prev.name) : undefined;
    return `${med(m, r.name).toFixed(0)} (${range(xs)}) | ${step === undefined ? '—' : `${step >= 0 ? '+' : ''}${step.toFixed(0)}`}`;
  });
  console.log(`| ${r.name} | ${cells.join(' | ')} |`);
}
if (modes.includes('short') && modes.includes('long')) {
  console.log(`\nSplit from the two stream lengths (${events.short} and ${events.long} events): µs per stream fixed, µs per chunk.`);
  console.log('| rung | fixed per stream | per chunk |\n|---|---:|---:|');
  for (const r of rungs) {
    const perChunk = (med('long', r.name) - med('short', r.name)) / (events.long - events.short);
    console.log(`| ${r.name} | ${(med('short', r.name) - perChunk * events.short).toFixed(0)} | ${perChunk.toFixed(2)} |`);
  }
}
