/**
 * Property-based fuzzing of the gateway's input with fast-check: random and malformed JSON bodies,
 * model names outside printable ASCII, deeply nested JSON,
 * mutated chat requests, odd headers and oversized bodies, sent over real HTTP to the gateway in
 * its child process. Property: never a 5xx, never a dropped connection; every 4xx is an
 * OpenAI-shaped error; input that cannot be a valid request always gets a 4xx.
 * @module
 */
import fc from 'fast-check';
import { startMockProvider } from '@lifeline/testing';
import { request, Agent } from 'undici';
import { isOpenAIError } from './classify.ts';
import { startGatewayProcess, type GatewayExit } from './gateway-process.ts';
import { UPSTREAM_KEY } from './targets.ts';

/** The gateway key of the fuzz run. */
export const FUZZ_KEY = 'chaos-gateway-key-0123456789';
/** The fuzz gateway's body limit. */
export const FUZZ_BODY_LIMIT = 16 * 1024;

/** One generated input. */
export interface FuzzInput {
  /** Whether the input can never be a valid request (then a 4xx is required). */
  invalid: boolean;
  label: string;
  body: string;
  headers: Record<string, string>;
}

const valid = { model: 'fuzz-model', messages: [{ role: 'user', content: 'hello' }] };
const auth = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${FUZZ_KEY}` }) },
  { weight: 4, arbitrary: fc.constantFrom<Record<string, string>>(
  {},
  { authorization: 'Bearer wrong-key-wrong-key-wrong' },
  { authorization: `Basic ${FUZZ_KEY}` },
  { authorization: FUZZ_KEY },
  ) },
);
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON') },
  { weight: 4, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx') },
);
const extraHeaders = fc.dictionary(
  fc.constantFrom('cache-control', 'x-request-id', 'accept', 'accept-encoding', 'x-lifeline-tenant', 'openai-organization', 'x-portkey-config'),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  { maxKeys: 3 },
);

/** A valid request with one random mutation (it may stay valid). */
const mutated: fc.Arbitrary<{ body: string; invalid: boolean; label: string }> = fc
  .tuple(fc.constantFrom('drop', 'replace', 'message', 'extra', 'messages'), fc.constantFrom('model', 'messages', 'stream', 'max_tokens', 'temperature', 'tools', 'n', 'stream_options'), fc.jsonValue({ maxDepth: 3 }))
  .map(([op, key, value]) => {
    const body: Record<string, unknown> = structuredClone(valid);
    if (op === 'drop') delete body[key];
    else if (op === 'replace') body[key] = value;
    else if (op === 'message') body.messages = [{ role: 'user', content: value }];
    else if (op === 'messages') body.messages = value;
    else body[`x_${key}`] = value;
    const invalid = (op === 'drop' && (key === 'model' || key === 'messages')) || (op === 'messages' && !Array.isArray(value));
    return { body: JSON.stringify(body), invalid, label: `mutated:${op}:${key}` };
  });

/** Text that is not JSON, or JSON that is not an object. */
const malformed: fc.Arbitrary<{ body: string; invalid: boolean; label: string }> = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => !isJsonObject(s)).map((body) => ({ body, invalid: true, label: 'malformed:string' })),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => ({ body: JSON.stringify(v), invalid: true, label: 'malformed:not-an-object' })),
  fc.nat({ max: 60 }).map((cut) => ({ body: JSON.stringify(valid).slice(0, cut), invalid: true, label: 'malformed:truncated' })),
  fc.constantFrom('{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}', '{"a":1,"a":2}', '\u0000', '{"model":"m","messages":[]}').map((body) => ({ body, invalid: body.startsWith('\u0000'), label: 'malformed:tricky' })),
);

/** Bodies above the limit. */
const oversized = fc.integer({ min: FUZZ_BODY_LIMIT + 1, max: FUZZ_BODY_LIMIT * 4 }).map((size) => ({
  body: JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(size) }] }),
  invalid: true,
  label: 'oversized',
}));

/** Model names outside printable ASCII (non-Latin-1, emoji, CR/LF, lone surrogates), JSON and streamed: answered normally. */
const oddModel: fc.Arbitrary<{ body: string; invalid: boolean; label: string }> = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.boolean())
  .map(([model, stream]) => ({ body: JSON.stringify({ ...valid, model, stream }), invalid: false, label: `odd-model${stream ? ':stream' : ''}` }));

/** JSON nested past the gateway's bound (128 levels): always refused with a 4xx. */
const deep = fc.integer({ min: 129, max: 7_000 }).map((depth) => ({
  body: `{"model":"m","messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  invalid: true,
  label: `deep:${depth}`,
}));

function isJsonObject(s: string): boolean {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Every generated input. */
export const fuzzInputs: fc.Arbitrary<FuzzInput> = fc
  .tuple(fc.oneof(mutated, malformed, oversized, oddModel, deep), auth, contentType, extraHeaders)
  .map(([b, a, ct, extra]) => {
    const authorized = a.authorization === `Bearer ${FUZZ_KEY}`;
    const jsonType = /^application\/json(;|$)/i.test(ct);
    return { ...b, invalid: b.invalid || !authorized || !jsonType, label: `${b.label}${authorized ? '' : ' no-auth'}${jsonType ? '' : ` ${ct}`}`, headers: { ...extra, ...a, 'content-type': ct } };
  });

/** Result of {@link runFuzz}. */
export interface FuzzReport {
  runs: number;
  seed: number;
  statuses: Record<string, number>;
  exit: GatewayExit;
}

/**
 * Starts a gateway (auth on, a healthy upstream, a small body limit) and checks the property on
 * `runs` generated inputs.
 *
 * @throws the fast-check counterexample (with its seed and path) when the property fails
 * @example
 * ```ts
 * await runFuzz({ runs: 300, seed: 42 });
 * ```
 */
export async function runFuzz({ runs, seed }: { runs: number; seed: number }): Promise<FuzzReport> {
  const mock = await startMockProvider({ apiKey: UPSTREAM_KEY, maxRecorded: 10 });
  const gateway = await startGatewayProcess({
    server: { logLevel: 'error', bodyLimitBytes: FUZZ_BODY_LIMIT, shutdownTimeoutMs: 2_000 },
    auth: { keys: [FUZZ_KEY] },
    providers: { up: { kind: 'openai', baseURL: mock.url, apiKey: UPSTREAM_KEY } },
    routes: [{ model: '*', targets: ['up'] }],
  });
  const agent = new Agent({ connections: 4 });
  const statuses: Record<string, number> = {};
  let exit: GatewayExit | undefined;
  try {
    await fc.assert(
      fc.asyncProperty(fuzzInputs, async (input) => {
        const res = await request(`${gateway.url}/v1/chat/completions`, { method: 'POST', dispatcher: agent, headers: input.headers, body: input.body, signal: AbortSignal.timeout(10_000) });
        const text = await res.body.text();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        const where = `${input.label} → ${res.statusCode} ${text.slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(`5xx for ${where}`);
        if (res.statusCode >= 400 && !isOpenAIError(safeJson(text))) throw new Error(`not an OpenAI-shaped error: ${where}`);
        if (input.invalid && res.statusCode < 400) throw new Error(`invalid input accepted: ${where}`);
        if (res.statusCode >= 200 && res.statusCode < 300 && !text.includes('"choices"') && !text.startsWith('data:')) throw new Error(`2xx without an answer: ${where}`);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    const health = await request(`${gateway.url}/health`, { dispatcher: agent });
    await health.body.dump();
    if (health.statusCode !== 200) throw new Error(`gateway unhealthy after fuzzing: ${health.statusCode}`);
  } finally {
    await agent.close();
    exit = await gateway.close();
    await mock.close();
  }
  return { runs, seed, statuses, exit };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
