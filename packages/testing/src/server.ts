/**
 * `startMockProvider()`: a real `node:http` server (or `node:http2`, cleartext) on 127.0.0.1 that records every request,
 * checks paths, auth and bodies the way the vendor does, and answers each request with the step
 * its script gives.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { Socket } from 'node:net';
import { anthropic } from './flavors/anthropic.js';
import type { FlavorImpl, RenderContext, RouteMatch } from './flavors/flavor.js';
import { gemini } from './flavors/gemini.js';
import { openai } from './flavors/openai.js';
import { endsWithPrefill, prefillOf, prefillRefusal, refusesPrefill } from './prefill.js';
import { execute, type Runtime, send, stepFailed } from './respond.js';
import { ScriptEngine } from './script.js';
import { Timers } from './timers.js';
import { DEFAULT_EMBEDDING_DIMENSIONS, itemTokens } from './embeddings.js';
import { promptTokensFor } from './tokens.js';
import type { Flavor, MockProvider, MockProviderOptions, RecordedRequest } from './types.js';

const FLAVORS: Record<Flavor, FlavorImpl> = { openai, anthropic, gemini };
const SECRET_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'] as const;
const REDACTED = '[redacted]';
const DEFAULT_TEXT = 'Hello from the mock provider.';

function redactHeaders(headers: IncomingMessage['headers']): RecordedRequest['headers'] {
  let out: RecordedRequest['headers'] | undefined;
  for (const name of SECRET_HEADERS) {
    if (headers[name] !== undefined) {
      out ??= { ...headers };
      out[name] = REDACTED;
    }
  }
  return out ?? { ...headers };
}

/** The API key a request carries, wherever the vendors put it. */
function presentedKey(headers: IncomingMessage['headers'], query: URLSearchParams | undefined): string | undefined {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const auth = one(headers.authorization);
  return one(headers['x-api-key']) ?? one(headers['x-goog-api-key']) ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : auth) ?? query?.get('key') ?? undefined;
}

function queryRecord(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = k === 'key' ? REDACTED : v;
  return out;
}

/**
 * Starts a mock LLM provider on 127.0.0.1.
 *
 * @example
 * ```ts
 * const mock = await startMockProvider({ script: [{ preset: 'rate_limit' }, 'ok'] });
 * const client = new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 });
 * await mock.close();
 * ```
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const flavor = FLAVORS[options.flavor ?? 'openai'];
  if (!flavor) throw new TypeError(`Unknown flavor: ${String(options.flavor)}`);
  const clock = options.clock ?? Date;
  const given = options.apiKey ?? 'test-key';
  const apiKeys: readonly string[] | false =
    given === false ? false : [...new Set([...(typeof given === 'string' ? [given] : given), ...Object.keys(options.keys ?? {})])];
  const latencyMs = options.latencyMs ?? 0;
  const validate = options.validate ?? true;
  const maxRecorded = options.maxRecorded ?? 10_000;
  const engine = new ScriptEngine(clock, options.script, options.routes, options.schedule);
  engine.setKeys(options.keys);
  const timers = new Timers();
  const rt: Runtime = {
    flavor,
    timers,
    text: options.text ?? DEFAULT_TEXT,
    chunkSize: options.chunkSize,
    chunks: options.chunks,
    rateLimit: options.rateLimit,
    embeddingDimensions: options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS,
  };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let index = 0;
  let seq = 0;
  let closed = false;

  /**
   * Runs a step; a step that cannot be sent (a status Node refuses, a header value it rejects)
   * answers 500 with a body naming the step's problem, instead of throwing inside the server.
   */
  const executeOrReport = (...args: Parameters<typeof execute>) => {
    try {
      execute(...args);
    } catch (error) {
      stepFailed(args[2], error);
    }
  };

  const later = (res: ServerResponse, ms: number, fn: () => void) => {
    if (ms > 0) timers.after(res, ms, fn);
    else fn();
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? undefined : new URLSearchParams(url.slice(q + 1));
    const match: RouteMatch | undefined = flavor.route(method, path);
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const model = match ? flavor.modelOf(body, match) : undefined;
    const stream = match?.op === 'chat' ? flavor.isStream(body, match) : false;
    const record: RecordedRequest = {
      index: index++,
      time: clock.now(),
      method,
      path,
      headers: redactHeaders(req.headers),
      body,
      model,
      stream,
    };
    if (query && query.size > 0) record.query = queryRecord(query);
    const key = apiKeys === false ? undefined : presentedKey(req.headers, query);
    const keyIndex = key === undefined || apiKeys === false ? -1 : apiKeys.indexOf(key);
    if (keyIndex >= 0) record.keyIndex = keyIndex;
    requests.push(record);
    if (requests.length > maxRecorded) requests.shift();

    const n = ++seq;
    const ctx: RenderContext = {
      model: model ?? 'mock-model',
      requestId: `req_mock${n}`,
      seq: n,
      created: Math.floor(Date.now() / 1000),
      now: clock.now(),
      promptTokens: match?.op === 'chat' ? promptTokensFor(flavor.promptChars(body)) : 0,
      includeUsage: stream && flavor.includeUsage(body),
      sse: query?.get('alt') === 'sse',
      prefill: match?.op === 'chat' ? prefillOf(flavor.name, body) : undefined,
    };
    let invalid: ReturnType<FlavorImpl['notFound']> | undefined;
    if (match?.op === 'embed' && flavor.embeddings) {
      const parsed = flavor.embeddings.parse(body, match, ctx, validate);
      if ('items' in parsed) {
        ctx.embedding = { call: parsed, match };
        for (const item of parsed.items) ctx.promptTokens += itemTokens(item);
      } else invalid = parsed;
    }
    const early =
      match === undefined
        ? flavor.notFound(method, path, ctx)
        : (flavor.authenticate(req.headers, query, apiKeys, ctx) ??
          (match.op === 'chat' && validate ? flavor.validate(body, match, ctx) : invalid) ??
          (match.op === 'chat' && refusesPrefill(options.rejectPrefill, model) && endsWithPrefill(flavor.name, body) ? prefillRefusal(flavor, ctx) : undefined));
    if (early) {
      if (flavor.requestIdHeader) early.headers[flavor.requestIdHeader] ??= ctx.requestId;
      later(res, latencyMs, () => send(res, early));
      return;
    }
    if (match!.op === 'models') {
      const ids = engine.routeModels();
      const body = flavor.models(ids.length > 0 ? ids : ['mock-model'], ctx);
      later(res, latencyMs, () => send(res, { status: 200, headers: { 'content-type': 'application/json' }, body }));
      return;
    }
    const step = engine.next(record, keyIndex >= 0 ? key : undefined);
    const delay = latencyMs + (step.delayMs ?? 0);
    later(res, delay, () => executeOrReport(rt, req, res, step, ctx, stream));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      handle(req, res, '');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!closed) handle(req, res, chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString());
    });
  };
  // HTTP/2's compatibility request and response have every member the handlers use.
  const server = options.http2 ? createH2cServer(onRequest as never) : createServer(onRequest);
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (!options.http2) server.on('clientError', (_err: Error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: origin + flavor.basePath,
    origin,
    port,
    flavor: flavor.name,
    get connections() {
      return connections;
    },
    requests,
    reset() {
      requests.length = 0;
      index = 0;
      engine.reset();
    },
    setScript(script) {
      engine.setScript(script);
    },
    setRoutes(routes) {
      engine.setRoutes(routes);
    },
    setSchedule(schedule) {
      engine.setSchedule(schedule);
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return done;
    },
  };
}
