/**
 * What `@lifeline/ai-sdk` costs per call, in this process's CPU time: the AI SDK's `generateText`
 * straight on `@ai-sdk/openai-compatible` (the baseline) vs the same `generateText` on
 * `createLifeline(client)` over Lifeline's `openai()` adapter, and a Lifeline `client.chat()` on
 * `aiSdkAdapter(@ai-sdk/openai-compatible)` vs on the native `openai()` adapter, and vs the bare
 * `doGenerate()` the adapter wraps (what the wrapper itself adds). Same mock provider
 * (in a separate process), same concurrency, interleaved rounds in one run.
 *
 * Run: `npm run build && node bench/ai-sdk.bench.ts [total=1000] [concurrency=8]`
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { openai } from '@lifeline/adapters';
import { aiSdkAdapter, createLifeline } from '@lifeline/ai-sdk';
import { createClient } from '@lifeline/core';
import { generateText } from 'ai';
import { compare, table } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
const total = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey });
const model = 'gpt-4.1-mini';
const prompt = 'Say hello in five words.';
const request = { model, messages: [{ role: 'user' as const, content: prompt }], max_tokens: 32 };

const compatible = createOpenAICompatible({ name: 'mock', baseURL: mock.url, apiKey, includeUsage: true });
const native = openai({ name: 'mock', baseURL: mock.url, apiKey });
// Each model is made once, as an application would (an AI SDK model compiles its response schemas per instance).
const compatibleModel = compatible(model);
const lifelineModel = createLifeline(createClient({ adapter: native }))(model);
const viaNative = createClient({ adapter: native });
const viaAiSdk = createClient({ adapter: aiSdkAdapter(compatibleModel) });

const results = await compare(
  [
    ['generateText on @ai-sdk/openai-compatible (baseline)', () => generateText({ model: compatibleModel, prompt, maxOutputTokens: 32 })],
    ['generateText on createLifeline(client: openai())', () => generateText({ model: lifelineModel, prompt, maxOutputTokens: 32 })],
    ['client.chat() on the native openai() adapter', () => viaNative.chat(request)],
    ['client.chat() on aiSdkAdapter(@ai-sdk/openai-compatible)', () => viaAiSdk.chat(request)],
    ['doGenerate() of @ai-sdk/openai-compatible, bare', async () => compatibleModel.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: prompt }] }], maxOutputTokens: 32 })],
  ],
  { total, concurrency, rounds: 5, warmup: 100 },
);

console.log(`\n@lifeline/ai-sdk overhead — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${total} calls × 5 rounds (median), concurrency ${concurrency}\n`);
console.log(table(results, results[0]!.name));
const r = (a: number, b: number) => (results[a]!.cpuUsPerCall / results[b]!.cpuUsPerCall).toFixed(2);
console.log(`\ncreateLifeline vs the AI SDK's own provider: ${r(1, 0)}× CPU per call; aiSdkAdapter vs the native adapter: ${r(3, 2)}×; aiSdkAdapter + client vs the bare doGenerate it wraps: ${r(3, 4)}×`);
await native.close?.();
await mock.close();
