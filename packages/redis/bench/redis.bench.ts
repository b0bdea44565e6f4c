/**
 * Added latency per request with the Redis stores vs the memory stores, through the full
 * middleware stack (cache, budget, rate limit, circuit breaker) with an in-process adapter, so
 * that everything measured is Lifeline + Redis. Also counts Redis round trips per request per
 * store and concurrent throughput (node-redis pipelines commands issued in the same tick on one
 * connection). On the request path: cache 1 round trip (its write is not awaited by the cache),
 * budget 1 (settle is write-behind), rate limit 1 (adjust/observe are write-behind), breaker 2
 * (the breaker engine reads again to settle). Back to back on one connection, write-behind
 * commands still queue ahead of the next request's; with idle time between calls they do not.
 *
 * Run (from the repo root): `npm run build -w @lifeline/redis && npm run bench -w @lifeline/redis`
 * Uses REDIS_CLUSTER_NODES (comma-separated root node URLs: a Redis Cluster) or REDIS_URL when
 * set, else starts redis-server from PATH on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, createConnection } from 'node:net';
import { createClient, type Adapter, type ChatRequest, type Middleware } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { createRedisStores } from '@lifeline/redis';

const catalog = createCatalog({ name: 'bench', source: 'bench', effectiveDate: '2026-01-01', models: { 'bench-model': { inputPerMTok: 1, outputPerMTok: 2 } } });
const adapter: Adapter = {
  name: 'inproc',
  kind: 'inproc',
  chat: async (req) => ({
    id: 'x', object: 'chat.completion', created: 1, model: req.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'The capital of France is Paris.' }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
  }),
  stream: async () => { throw new Error('unused'); },
};
let n = 0;
const fresh = (): ChatRequest => ({ model: 'bench-model', messages: [{ role: 'user', content: `question ${n++}` }], max_tokens: 64 });
const same: ChatRequest = { model: 'bench-model', messages: [{ role: 'user', content: 'the same question' }], max_tokens: 64 };

async function redisUrl(): Promise<{ url: string; stop: () => void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const child: ChildProcess = spawn(process.env.LIFELINE_REDIS_SERVER_BIN || 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  child.on('error', () => {
    console.error('redis-server not found: install it or set REDIS_URL');
    process.exit(1);
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' }, () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() };
}

function stack(stores?: ReturnType<typeof createRedisStores>): Middleware[] {
  return [
    ...(stores ? [stores.singleFlight] : []),
    cache({ ttlMs: 600_000, ...(stores ? { store: stores.cache } : {}) }),
    budget({ limitUsd: 1e6, window: 'day', catalog, ...(stores ? { store: stores.budget } : {}) }),
    rateLimit({ rpm: 1e9, tpm: 1e12, ...(stores ? { store: stores.rateLimit } : {}) }),
    circuitBreaker({ ...(stores ? { store: stores.breaker } : {}) }),
  ];
}

async function sequential(client: ReturnType<typeof createClient>, req: () => ChatRequest, calls: number, gapMs: number): Promise<{ mean: number; p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await client.chat(req()); // warm up
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs)); // idle time between calls, not measured
    const t = performance.now();
    await client.chat(req());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((a, b) => a + b, 0) / calls, p50: times[Math.floor(calls / 2)]!, p99: times[Math.floor(calls * 0.99)]! };
}

async function throughput(client: ReturnType<typeof createClient>, concurrency: number, calls: number): Promise<number> {
  let left = calls;
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await client.chat(fresh());
  }));
  return calls / ((performance.now() - t) / 1000);
}

const server = await redisUrl();
const rootNodes = process.env.REDIS_CLUSTER_NODES?.split(',');
const where = rootNodes ? { cluster: { rootNodes } } : { url: server.url };
const shown = (rootNodes ? `the Redis Cluster at ${rootNodes.join(',')}` : `Redis at ${server.url}`).replace(/\/\/[^@,]*@/g, '//***@');
const stores = createRedisStores({ ...where, prefix: `lifeline-bench-${process.pid}`, timeoutMs: 1000 });
if (!(await stores.ready(5000))) throw new Error(`${shown} is not reachable`);
const memory = createClient({ adapter, use: stack() });
const redis = createClient({ adapter, use: stack(stores) });
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
const CALLS = 3000;

const rows: string[] = [];
const cases = [
  ['miss, back to back', fresh, 0],
  ['miss, 1 ms idle between calls', fresh, 1],
  ['cache hit, back to back', () => same, 0],
] as const;
for (const [label, req, gapMs] of cases) {
  await redis.chat(same);
  await new Promise((r) => setTimeout(r, 20));
  const m = await sequential(memory, req, CALLS, gapMs);
  const before = stores.stats();
  const r = await sequential(redis, req, CALLS, gapMs);
  const after = stores.stats();
  const per = (k: 'cache' | 'budget' | 'rateLimit' | 'breaker') => ((after[k].redis - before[k].redis) / (CALLS + 200)).toFixed(2);
  rows.push(
    `| ${label} | ${us(m.mean)} / ${us(m.p99)} | ${us(r.mean)} / ${us(r.p99)} | +${us(r.mean - m.mean)} | cache ${per('cache')}, budget ${per('budget')}, rate limit ${per('rateLimit')}, breaker ${per('breaker')} |`,
  );
}
const tm = await throughput(memory, 64, 20_000);
const tr = await throughput(redis, 64, 20_000);

console.log(`\n@lifeline/redis — ${CALLS} sequential calls per case, ${shown}, Node ${process.version}\n`);
console.log('| case | memory stores mean / p99 | Redis stores mean / p99 | added per request | Redis commands per request (awaited + write-behind) |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nthroughput, 64 concurrent calls: memory ${tm.toFixed(0)} req/s, Redis ${tr.toFixed(0)} req/s (commands of concurrent calls are pipelined)\n`);
await stores.close();
server.stop();
