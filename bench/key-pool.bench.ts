/**
 * Client CPU per request of an adapter with a key pool (three keys, rotated per attempt, memory
 * store) vs the same adapter with one key — same mock provider (in a separate process), same
 * concurrency, interleaved rounds in one run. A third case has one key of the pool rate-limited
 * (its requests answered 429, each attempt re-sent at once with another key): what a cooling key
 * costs the client while it is being found out, then nothing once it cools down.
 *
 * Run: `npm run build && node bench/key-pool.bench.ts [total=3000] [concurrency=16]`
 */
import { createClient } from '@lifeline/core';
import { openai } from '@lifeline/adapters';
import { compare, table } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 16);
const keys = ['sk-bench-key-one-0123456789abcd', 'sk-bench-key-two-0123456789abcd', 'sk-bench-key-three-0123456789ab'];
const mock = await startMockProcess({ flavor: 'openai', apiKey: keys });
const limited = await startMockProcess({ flavor: 'openai', apiKey: keys, keys: { [keys[0]!]: { preset: 'rate_limit', retryAfter: 3600 } } });
const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Say hello in five words.' }], max_tokens: 32 };

const single = openai({ baseURL: mock.url, apiKey: keys[0], name: 'single', connections: concurrency });
const pool = openai({ baseURL: mock.url, apiKey: keys, name: 'pool', connections: concurrency });
const cooling = openai({ baseURL: limited.url, apiKey: keys, name: 'cooling', connections: concurrency });
const clients = [createClient({ adapter: single }), createClient({ adapter: pool }), createClient({ adapter: cooling })];

const results = await compare(
  [
    ['openai(), one key (baseline)', () => clients[0]!.chat(body)],
    ['openai(), three keys (round-robin pool)', () => clients[1]!.chat(body)],
    ['three keys, key 1 cooling (429 once, then skipped)', () => clients[2]!.chat(body)],
  ],
  { total, concurrency, rounds: 5, warmup: 300 },
);

console.log(`\nKey pool overhead — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${total} calls × 5 rounds (median), concurrency ${concurrency}\n`);
console.log(table(results, results[0]!.name));
console.log(`\nPool CPU per request: ${(results[1]!.cpuUsPerCall / results[0]!.cpuUsPerCall).toFixed(2)}× one key (target ≤ 1.05×)`);
await Promise.all([single.close(), pool.close(), cooling.close()]);
await Promise.all([mock.close(), limited.close()]);
