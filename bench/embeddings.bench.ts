/**
 * Embeddings overhead, against raw undici to the same mock (its own process), in one run:
 *
 * - library: raw `undici.request` + `JSON.parse` (baseline), `createClient({ adapter }).embed()`,
 *   the full recommended stack (fallbackResponse, cache — every item a miss —, meter, rateLimit,
 *   failover, retry, circuitBreaker, timeout) and the official SDK's `embeddings.create()`;
 *   CPU per call is this process's own CPU time, interleaved rounds, median;
 * - gateway: `POST /v1/embeddings` on Lifeline's gateway (default stack, logs at warn) against
 *   the mock called directly — same load (autocannon, 32 connections), CPU per request of the
 *   gateway process read over IPC.
 *
 * Each call embeds a batch of 8 texts at 1536 dimensions (text-embedding-3-small's width), as
 * base64 (the SDK's default on the wire) and as float (JSON arrays: the parse-heavy case).
 *
 * Run: `npm run build && node bench/embeddings.bench.ts [--quick]` (`BENCH_OUT=file.json` writes JSON).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openai } from '@lifeline/adapters';
import { createClient, type EmbeddingRequest } from '@lifeline/core';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { httpLoad, type HttpLoadResult } from './lib/http-load.ts';
import { compare, table, type LoadResult } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { recommendedStack } from './lib/stack.ts';
import { startServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
// Float answers are JSON-heavy (about 5× the CPU per call): fewer of them, so a full run stays near two minutes.
const TOTAL = { base64: quick ? 300 : 800, float: quick ? 100 : 200 };
const rounds = 3;
const concurrency = 16;
const BATCH = 8;
const MODEL = 'text-embedding-3-small';
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1, embeddingDimensions: 1536 });

let n = 0;
const input = () => {
  const id = ++n;
  return Array.from({ length: BATCH }, (_, i) => `Passage ${i} of document ${id}: Lifeline keeps embedding calls answering through outages.`);
};
const embedBody = (encoding: 'float' | 'base64'): EmbeddingRequest => ({ model: MODEL, input: input(), encoding_format: encoding });

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const rawHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
async function raw(encoding: 'float' | 'base64') {
  const res = await request(`${mock.url}/embeddings`, { method: 'POST', headers: rawHeaders, body: JSON.stringify(embedBody(encoding)), dispatcher: agent });
  const json = JSON.parse(await res.body.text()) as { data: unknown[] };
  if (res.statusCode !== 200 || json.data.length !== BATCH) throw new Error(String(res.statusCode));
  return json;
}

const primary = openai({ baseURL: mock.url, apiKey, name: 'primary', connections: concurrency });
const backup = openai({ baseURL: mock.url, apiKey, name: 'backup', connections: concurrency });
const full = createClient({ use: recommendedStack(primary, backup) });
const bare = createClient({ adapter: primary });
const sdk = new OpenAI({ baseURL: mock.url, apiKey, maxRetries: 0 });

const library: Record<string, LoadResult[]> = {};
const ratios: Record<string, { bare: number; full: number; sdk: number }> = {};
for (const encoding of ['base64', 'float'] as const) {
  const names = {
    raw: `raw undici.request + JSON.parse (baseline), ${encoding}`,
    bare: `lifeline createClient({ adapter }).embed(), ${encoding}`,
    full: `lifeline full stack .embed() (cache: every item a miss), ${encoding}`,
    sdk: `official openai SDK embeddings.create(), ${encoding}${encoding === 'base64' ? ' (decoded to floats by the SDK)' : ''}`,
  };
  const results = await compare(
    [
      [names.raw, () => raw(encoding)],
      [names.bare, () => bare.embed(embedBody(encoding))],
      [names.full, async () => {
        const { meta } = await full.embed(embedBody(encoding));
        if (meta.cache !== 'miss' || meta.cacheItems?.misses !== BATCH) throw new Error(`unexpected cache ${meta.cache}`);
      }],
      [names.sdk, () => (encoding === 'base64' ? sdk.embeddings.create({ model: MODEL, input: input() }) : sdk.embeddings.create({ model: MODEL, input: input(), encoding_format: 'float' }))],
    ],
    { total: TOTAL[encoding], concurrency, rounds, warmup: encoding === 'base64' ? 200 : 50 },
  );
  library[encoding] = results;
  const cpu = (name: string) => results.find((r) => r.name === name)!.cpuUsPerCall;
  ratios[encoding] = { bare: cpu(names.bare) / cpu(names.raw), full: cpu(names.full) / cpu(names.raw), sdk: cpu(names.sdk) / cpu(names.raw) };
  console.log(`\nLibrary, embeddings (${encoding}, ${BATCH} × 1536) — node ${process.version}, ${TOTAL[encoding]} calls × ${rounds} rounds (median), concurrency ${concurrency}\n`);
  console.log(table(results, names.raw));
  const r = ratios[encoding]!;
  console.log(`CPU vs raw undici: bare ${r.bare.toFixed(2)}×, full stack ${r.full.toFixed(2)}×, official SDK ${r.sdk.toFixed(2)}×`);
}
await Promise.all([primary.close(), backup.close(), agent.close()]);

// Gateway: POST /v1/embeddings through the default stack, against the mock directly.
const gateway = await startServerProcess({
  script: join(here, 'lib/lifeline-gateway.ts'),
  args: [JSON.stringify({ server: { logLevel: 'warn' }, providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] })],
});
const gatewayRounds = quick ? 1 : 2;
const AMOUNT: Record<string, number> = { base64: quick ? 300 : 600, float: quick ? 100 : 200 };
const httpBody = (encoding: string) =>
  JSON.stringify({ model: MODEL, encoding_format: encoding, input: Array.from({ length: BATCH }, (_, i) => `Passage ${i} of document [<id>]: Lifeline keeps embedding calls answering through outages.`) });
const systems = [
  { name: 'mock directly (autocannon → mock)', url: `${mock.url}/embeddings`, headers: { authorization: `Bearer ${apiKey}` } },
  { name: 'lifeline gateway /v1/embeddings (default stack)', url: `${gateway.url}/v1/embeddings`, server: gateway },
];
const gatewayRows: Array<{ encoding: string; system: string; rps: number; p50Us: number; p99Us: number; cpuUsPerReq: number | undefined; failed: number }> = [];
for (const encoding of ['base64', 'float']) {
  const amount = AMOUNT[encoding]!;
  for (const s of systems) await httpLoad({ url: s.url, body: httpBody(encoding), headers: s.headers, connections: 32, amount: Math.ceil(amount / 3) });
  const runs = new Map<string, HttpLoadResult[]>();
  for (let round = 0; round < gatewayRounds; round++) {
    for (const s of systems) {
      const r = await httpLoad({ url: s.url, body: httpBody(encoding), headers: s.headers, connections: 32, amount, server: s.server });
      runs.set(s.name, [...(runs.get(s.name) ?? []), r]);
    }
  }
  for (const s of systems) {
    const rs = runs.get(s.name)!;
    gatewayRows.push({
      encoding,
      system: s.name,
      rps: median(rs.map((r) => r.rps)),
      p50Us: median(rs.map((r) => r.p50Us)),
      p99Us: median(rs.map((r) => r.p99Us)),
      cpuUsPerReq: s.server ? median(rs.map((r) => r.cpuUsPerReq!)) : undefined,
      failed: rs.reduce((t, r) => t + r.non2xx + r.errors, 0),
    });
  }
}
await gateway.close();
await mock.close();

const us = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0));
for (const encoding of ['base64', 'float']) {
  console.log(`\nGateway, POST /v1/embeddings (${encoding}, ${BATCH} × 1536), 32 connections, ${gatewayRounds} round(s) of ${AMOUNT[encoding]}`);
  console.log('| system | req/s | p50 µs | p99 µs | gateway CPU µs/req | failed |');
  const rows = gatewayRows.filter((r) => r.encoding === encoding);
  for (const r of rows) console.log(`| ${r.system} | ${r.rps.toFixed(0)} | ${us(r.p50Us)} | ${us(r.p99Us)} | ${us(r.cpuUsPerReq)} | ${r.failed} |`);
  const [direct, gw] = rows;
  console.log(`gateway vs mock directly: ${(direct!.rps / gw!.rps).toFixed(2)}× less throughput, p50 ${(gw!.p50Us / direct!.p50Us).toFixed(2)}×`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ quick, total: TOTAL, rounds, concurrency, batch: BATCH, library, ratios, gateway: gatewayRows }));
