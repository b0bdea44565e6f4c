import { createClient, type Adapter, type Middleware } from '@lifeline/core';
import OpenAI from 'openai';
import { createPipeline, type CreatePipelineOptions } from '../src/pipeline/create-pipeline.js';
import { createGateway, type Gateway, type PipelineGatewayOptions } from '../src/server/create-gateway.js';

export interface Harness {
  gateway: Gateway;
  url: string;
  openai: OpenAI;
  close(): Promise<void>;
}

export interface HarnessOptions {
  adapter?: Adapter;
  use?: Middleware[];
  pipeline?: Partial<CreatePipelineOptions>;
  server?: PipelineGatewayOptions['server'];
  auth?: PipelineGatewayOptions['auth'];
  apiKey?: string;
  requestTimeoutMs?: number;
}

/** Starts a gateway on 127.0.0.1:0 around one client, with an openai SDK pointed at it (no retries). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const client = createClient({ adapter: options.adapter, use: options.use ?? [] });
  const pipeline = createPipeline({ routes: [{ model: 'fake-*', client, targets: [options.adapter?.name ?? 'fake'] }], models: ['fake-model'], ...options.pipeline });
  const gateway = createGateway({
    pipeline,
    server: { logLevel: 'silent', ...options.server },
    auth: options.auth,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: options.apiKey ?? 'unused-key', maxRetries: 0, timeout: 10_000 });
  return { gateway, url, openai, close: () => gateway.close() };
}

/** POSTs raw text to the gateway. */
export async function post(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export const hello = { model: 'fake-model', messages: [{ role: 'user' as const, content: 'Hi' }] };
