/**
 * One case of the library bench, in a process of its own (see case-process.ts):
 * `node library-case.ts <case> <mock url> [checkout]` with case `raw` (undici.request +
 * JSON.parse), `full` (createClient with the recommended stack), `fullJson` (the same with
 * `RESPONSE_JSON` in the call's metadata), `bare` (`createClient({ adapter })`) or `sdk` (the
 * official `openai` SDK). With `checkout`, `full` and `bare` are built from that checkout's
 * `packages/<name>/dist` instead of this build's.
 */
import { join } from 'node:path';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { serveCase } from './case-process.ts';
import { stackFrom, type StackModules } from './stack.ts';

const [kind, url, checkout] = process.argv.slice(2) as [string, string, string | undefined];
const concurrency = 16;
const apiKey = 'test-key';

let n = 0;
const body = () => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user' as const, content: `Say hello in five words. Request ${++n}` }],
  max_tokens: 32,
});

/** This build's packages, or the checkout's (each resolves its own dependencies). */
const load = (pkg: string) => import(checkout ? join(checkout, 'packages', pkg, 'dist/index.js') : `@lifeline/${pkg}`);

/** Fails the call when the full stack did not miss the cache or answered degraded. */
const missed = ({ meta }: { meta: { cache?: string; degraded?: boolean } }): void => {
  if (meta.degraded || meta.cache !== 'miss') throw new Error(`unexpected ${meta.cache} ${meta.degraded}`);
};

async function build(): Promise<[() => Promise<unknown>, () => Promise<unknown>]> {
  if (kind === 'raw') {
    const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
    const rawUrl = `${url}/chat/completions`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const raw = async () => {
      const res = await request(rawUrl, { method: 'POST', headers, body: JSON.stringify(body()), dispatcher: agent });
      const json = JSON.parse(await res.body.text());
      if (res.statusCode !== 200) throw new Error(String(res.statusCode));
      return json;
    };
    return [raw, () => agent.close()];
  }
  if (kind === 'sdk') {
    const sdk = new OpenAI({ baseURL: url, apiKey, maxRetries: 0 });
    return [() => sdk.chat.completions.create(body()), async () => {}];
  }
  const [core, adapters, cacheMod, failoverMod, pricing, rateLimitMod, retryMod, breakerMod] = await Promise.all(
    ['core', 'adapters', 'cache', 'failover', 'pricing', 'rate-limit', 'retry', 'circuit-breaker'].map(load),
  );
  const primary = adapters.openai({ baseURL: url, apiKey, name: 'primary', connections: concurrency });
  const backup = adapters.openai({ baseURL: url, apiKey, name: 'backup', connections: concurrency });
  const close = () => Promise.all([primary.close(), backup.close()]);
  if (kind === 'bare') {
    const bare = core.createClient({ adapter: primary });
    return [() => bare.chat(body()), close];
  }
  const mods: StackModules = { ...core, ...cacheMod, ...failoverMod, ...pricing, ...rateLimitMod, ...retryMod, ...breakerMod };
  const full = core.createClient({ use: stackFrom(mods, primary, backup) });
  if (kind === 'full') return [async () => missed(await full.chat(body())), close];
  if (kind === 'fullJson') {
    const vouched = { metadata: { [core.RESPONSE_JSON]: true } };
    return [async () => missed(await full.chat(body(), vouched)), close];
  }
  throw new Error(`library-case: unknown case ${kind}`);
}

const [fn, close] = await build();
serveCase(fn, concurrency, close);
