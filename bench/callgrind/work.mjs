/**
 * What `instructions.sh` runs under callgrind: N calls through one case, 16 in flight, after 2,000
 * of warm-up, against the mock at argv[4]. Cases: `raw` (undici.request + JSON.parse), `bare`
 * (`createClient({ adapter })`), `full` (the library bench's recommended stack), `nocache` (the same
 * without `cache()`), `without-<i>` (without its i-th layer, 0 = fallbackResponse … 7 = timeout),
 * `route-stream` (a 5-word stream through the gateway's default route stack), `route-stream-nocache`
 * (the same with `cache: false`, the configuration the gateway targets name).
 *
 * `node work.mjs <checkout> <case> <N> <mock url>`
 */
import { stackFrom } from '../lib/stack.ts';

const [dir, mode, N, url] = [process.argv[2], process.argv[3], Number(process.argv[4]), process.argv[5]];
const imp = (p) => import(`${dir}/packages/${p}/dist/index.js`);
const [core, adapters, cacheM, breakerM, failoverM, pricingM, rateM, retryM] = await Promise.all(
  ['core', 'adapters', 'cache', 'circuit-breaker', 'failover', 'pricing', 'rate-limit', 'retry'].map(imp),
);
// Only the route case loads the gateway: what a process imports changes V8's pretenuring decisions
// (with the gateway loaded, even raw undici's request objects were pretenured).
const routeCase = mode.startsWith('route-stream');
const gateway = routeCase ? await imp('gateway') : undefined;
const { Agent, request } = await import(`${dir}/node_modules/undici/index.js`);
const apiKey = 'test-key';
let n = 0;
const body = () => ({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `Say hello in five words. Request ${++n}` }], max_tokens: 32 });
const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
const primary = adapters.openai({ baseURL: url, apiKey, name: 'primary', connections: 16 });
const backup = adapters.openai({ baseURL: url, apiKey, name: 'backup', connections: 16 });
// The library bench's stack, built from the checkout's own packages.
const stack = stackFrom({ ...core, ...cacheM, ...breakerM, ...failoverM, ...pricingM, ...rateM, ...retryM }, primary, backup);
// `nocache`: the stack without cache(); `without-<i>`: without its i-th layer (0 = fallbackResponse … 7 = timeout).
const dropped = mode === 'nocache' ? 1 : mode.startsWith('without-') ? Number(mode.slice(8)) : -1;
const full = core.createClient({ use: stack.filter((_, i) => i !== dropped) });
const bare = core.createClient({ adapter: primary });
const pipeline = routeCase
  ? gateway.buildPipeline(gateway.validateConfig({ providers: { ok: { kind: 'openai', baseURL: url, apiKey, connections: 16 } }, routes: [{ model: '*', targets: ['ok'] }], ...(mode === 'route-stream-nocache' && { cache: false }) }))
  : undefined;
const metadata = pipeline?.chunksUnchanged ? { [core.CHUNK_JSON]: true } : {};
const cases = {
  raw: async () => {
    const res = await request(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body()), dispatcher: agent });
    JSON.parse(await res.body.text());
  },
  bare: () => bare.chat(body()),
  full: () => full.chat(body()),
  nocache: () => full.chat(body()),
  'route-stream': async () => {
    for await (const _ of pipeline.route('short').client.stream({ model: 'short', messages: [{ role: 'user', content: `q ${n++}` }] }, { metadata }));
  },
  'route-stream-nocache': () => cases['route-stream'](),
};
const one = cases[mode] ?? (mode.startsWith('without-') ? cases.full : undefined);
if (!one) throw new Error(`unknown case ${mode}`);
const run = async (count) => {
  let i = 0;
  await Promise.all(Array.from({ length: routeCase ? 4 : 16 }, async () => {
    while (i++ < count) await one();
  }));
};
await run(2000);
await run(N);
await Promise.all([primary.close(), backup.close(), agent.close(), pipeline?.close()]);
