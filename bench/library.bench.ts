/**
 * Library overhead with the full recommended stack: `createClient` with fallbackResponse, cache
 * (every request a miss: a counter in the message), meter, rateLimit, failover, retry,
 * circuitBreaker and timeout, through the OpenAI adapter, against raw `undici.request` +
 * `JSON.parse` and the official `openai` SDK — same mock (its own process), same concurrency,
 * interleaved rounds in one run. CPU per call is this process's CPU time (the mock's is not billed).
 *
 * Run: `npm run build && node bench/library.bench.ts [--quick]` (`BENCH_OUT=file.json` writes JSON).
 */
import { writeFileSync } from 'node:fs';
import { openai } from '@lifeline/adapters';
import { createClient } from '@lifeline/core';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { compare, table } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { recommendedStack } from './lib/stack.ts';
import { profileInProcess, type ProfileSummary } from './lib/profile.ts';

const quick = process.argv.includes('--quick');
const profile = !process.argv.includes('--no-profile');
const total = quick ? 1500 : 4000;
const rounds = quick ? 3 : 5;
const concurrency = 16;
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1 });

let n = 0;
const body = () => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user' as const, content: `Say hello in five words. Request ${++n}` }],
  max_tokens: 32,
});

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const rawUrl = `${mock.url}/chat/completions`;
const rawHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
async function raw() {
  const res = await request(rawUrl, { method: 'POST', headers: rawHeaders, body: JSON.stringify(body()), dispatcher: agent });
  const json = JSON.parse(await res.body.text());
  if (res.statusCode !== 200) throw new Error(String(res.statusCode));
  return json;
}

const primary = openai({ baseURL: mock.url, apiKey, name: 'primary', connections: concurrency });
const backup = openai({ baseURL: mock.url, apiKey, name: 'backup', connections: concurrency });
const full = createClient({ use: recommendedStack(primary, backup) });
const bare = createClient({ adapter: primary });
const sdk = new OpenAI({ baseURL: mock.url, apiKey, maxRetries: 0 });

const names = {
  raw: 'raw undici.request + JSON.parse (baseline)',
  full: 'lifeline createClient, full recommended stack (8 middleware)',
  bare: 'lifeline createClient({ adapter }) (no middleware)',
  sdk: 'official openai SDK chat.completions.create()',
};
const results = await compare(
  [
    [names.raw, raw],
    [names.full, async () => {
      const { meta } = await full.chat(body());
      if (meta.degraded || meta.cache !== 'miss') throw new Error(`unexpected ${meta.cache} ${meta.degraded}`);
    }],
    [names.bare, () => bare.chat(body())],
    [names.sdk, () => sdk.chat.completions.create(body())],
  ],
  { total, concurrency, rounds, warmup: quick ? 300 : 1000 },
);

console.log(`\nLibrary overhead — node ${process.version}, ${total} calls × ${rounds} rounds (median), concurrency ${concurrency}\n`);
console.log(table(results, names.raw));
const cpu = (name: string) => results.find((r) => r.name === name)!.cpuUsPerCall;
const vsRaw = cpu(names.full) / cpu(names.raw);
const vsSdk = cpu(names.full) / cpu(names.sdk);
console.log(`\nfull stack: ${vsRaw.toFixed(2)}× raw undici CPU (target ≤ 1.25×), ${vsSdk.toFixed(2)}× the official SDK (target < 1×)`);

// Where the full stack spends its CPU: the same load, sampled by the inspector.
let hotSpots: ProfileSummary | undefined;
if (profile) {
  hotSpots = await profileInProcess(async () => {
    let left = quick ? 2000 : 6000;
    const worker = async () => {
      while (left-- > 0) await full.chat(body());
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  console.log('\nfull stack profile, top self time (idle excluded)');
  for (const h of hotSpots.total.slice(0, 15)) console.log(`| ${h.selfPct.toFixed(1)}% | ${h.package} | ${h.name} | ${h.where} |`);
  for (const p of hotSpots.byPackage) console.log(`| ${p.selfPct.toFixed(1)}% | ${p.name} |`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ total, rounds, concurrency, results, vsRaw, vsSdk, hotSpots }));
await Promise.all([primary.close?.(), backup.close?.(), agent.close()]);
await mock.close();
