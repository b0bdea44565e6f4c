/**
 * Client CPU per request and requests/s of `createClient({ adapter: openai(...) }).chat()` vs raw
 * `undici.request` + `JSON.parse` vs the official `openai` SDK — same mock provider (in a separate
 * process), same concurrency, interleaved rounds in one run.
 *
 * Run: `npm run build && node bench/adapter.bench.ts [total=3000] [concurrency=16]`
 */
import { createClient } from '@lifeline/core';
import { openai } from '@lifeline/adapters';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { compare, table } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 16);
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey });
const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Say hello in five words.' }], max_tokens: 32 };

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const rawUrl = `${mock.url}/chat/completions`;
const rawHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
async function raw() {
  const res = await request(rawUrl, { method: 'POST', headers: rawHeaders, body: JSON.stringify(body), dispatcher: agent });
  const json = JSON.parse(await res.body.text());
  if (res.statusCode !== 200) throw new Error(String(res.statusCode));
  return json;
}

const adapter = openai({ baseURL: mock.url, apiKey, name: 'mock', connections: concurrency } as Parameters<typeof openai>[0]);
const lifeline = createClient({ adapter });
const sdk = new OpenAI({ baseURL: mock.url, apiKey, maxRetries: 0 });

const results = await compare(
  [
    ['raw undici.request + JSON.parse (baseline)', raw],
    ['lifeline createClient({ adapter: openai() }).chat()', () => lifeline.chat(body)],
    ['official openai SDK chat.completions.create()', () => sdk.chat.completions.create(body)],
  ],
  { total, concurrency, rounds: 5, warmup: 300 },
);

console.log(`\nAdapter overhead — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${total} calls × 5 rounds (median), concurrency ${concurrency}\n`);
console.log(table(results, results[0]!.name));
const ratio = results[1]!.cpuUsPerCall / results[0]!.cpuUsPerCall;
console.log(`\nLifeline CPU per request: ${ratio.toFixed(2)}× raw undici (target ≤ 1.15×); ${(results[1]!.cpuUsPerCall / results[2]!.cpuUsPerCall).toFixed(2)}× the official SDK (target < 1×)`);
await adapter.close?.();
await agent.close();
await mock.close();
