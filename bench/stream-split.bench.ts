/**
 * How a streamed answer's CPU cost splits into a fixed part per stream and a part per chunk:
 * short and long streams (same mock, same request) through the bare Fastify proxy and Lifeline's
 * default gateway (and, with `--baseline=<dir>`, the gateway of another built checkout), each in
 * its own process, rounds interleaved in one run. Per chunk = (long − short) / (chunks apart).
 *
 * Run: `npm run build && node bench/stream-split.bench.ts [--quick] [--baseline=<dir>] [--short=5] [--long=105] [--connections=32]`
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpLoad } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';
import { baselineArg, numberArg } from './lib/args.ts';

const quick = process.argv.includes('--quick');
const SHORT = numberArg('short', 5);
const LONG = numberArg('long', 105);
const CONNECTIONS = numberArg('connections', 32);
const ROUNDS = numberArg('rounds', quick ? 3 : 5);
const AMOUNT = numberArg('amount', quick ? 600 : 1500);
const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'test-key';
const text = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

const mock = await startMockProcess({
  flavor: 'openai',
  apiKey,
  maxRecorded: 1,
  routes: { 'bench-short': { reply: { text: text(SHORT) } }, 'bench-long': { reply: { text: text(LONG) } } },
});
const config = JSON.stringify({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] });
const baselineDir = baselineArg();
const systems: Array<{ name: string; server: ServerProcess }> = [
  { name: 'bare Fastify + undici proxy', server: await startServerProcess({ script: join(here, 'lib/bare-fastify-proxy.ts'), args: [JSON.stringify({ '*': [{ url: mock.url }] })] }) },
  { name: 'lifeline gateway (default stack)', server: await startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [config] }) },
  ...(baselineDir ? [{ name: 'lifeline gateway (baseline build)', server: await startServerProcess({ script: join(baselineDir, 'bench/lib/lifeline-gateway.ts'), args: [config] }) }] : []),
];
const bodyOf = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], stream: true });
const load = (s: ServerProcess, model: string, amount: number) =>
  httpLoad({ url: `${s.url}/v1/chat/completions`, body: bodyOf(model), connections: CONNECTIONS, amount, server: s });

for (const s of systems) for (const m of ['bench-short', 'bench-long']) await load(s.server, m, 300);
const cpu = new Map<string, { short: number[]; long: number[] }>(systems.map((s) => [s.name, { short: [], long: [] }]));
let failed = 0;
for (let round = 0; round < ROUNDS; round++) {
  // Each round in another order, so that no system always runs after the same one.
  for (const s of [...systems.slice(round % systems.length), ...systems.slice(0, round % systems.length)]) {
    for (const kind of ['short', 'long'] as const) {
      const r = await load(s.server, `bench-${kind}`, AMOUNT);
      failed += r.non2xx + r.errors;
      cpu.get(s.name)![kind].push(r.cpuUsPerReq!);
    }
  }
}
await Promise.all(systems.map((s) => s.server.close()));
await mock.close();

console.log(`\nstream cost split — ${CONNECTIONS} connections, ${SHORT} vs ${LONG} words, ${ROUNDS} rounds × ${AMOUNT} streams (median), ${failed} failed`);
console.log('| system | short µs CPU/stream | long µs CPU/stream | per chunk µs | fixed µs |');
const floor = systems[0]!.name;
const rows = systems.map((s) => {
  const c = cpu.get(s.name)!;
  const short = median(c.short);
  const long = median(c.long);
  const perChunk = (long - short) / (LONG - SHORT);
  return { name: s.name, short, long, perChunk, fixed: short - perChunk * SHORT };
});
for (const r of rows) console.log(`| ${r.name} | ${r.short.toFixed(0)} | ${r.long.toFixed(0)} | ${r.perChunk.toFixed(2)} | ${r.fixed.toFixed(0)} |`);
const f = rows.find((r) => r.name === floor)!;
for (const r of rows.slice(1)) console.log(`${r.name}: short ${(r.short / f.short).toFixed(2)}× · long ${(r.long / f.long).toFixed(2)}× the floor`);
