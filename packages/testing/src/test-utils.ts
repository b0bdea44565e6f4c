/**
 * Helpers shared by this package's tests (not exported from the package).
 *
 * @module
 */
import type { Flavor, MockProvider } from './types.js';

/** Correct auth headers for each flavour. */
export function authHeaders(flavor: Flavor, key = 'test-key'): Record<string, string> {
  switch (flavor) {
    case 'openai':
      return { authorization: `Bearer ${key}` };
    case 'anthropic':
      return { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
    case 'gemini':
      return { 'x-goog-api-key': key };
  }
}

/** A minimal valid chat request body for each flavour. */
export function chatBody(flavor: Flavor, extra: Record<string, unknown> = {}): Record<string, unknown> {
  switch (flavor) {
    case 'openai':
      return { model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello' }], ...extra };
    case 'anthropic':
      return { model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }], ...extra };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }], ...extra };
  }
}

/** Sends a chat request (streaming when `stream` is true) the way each vendor expects it. */
export function chat(
  mock: MockProvider,
  opts: { stream?: boolean; body?: Record<string, unknown>; headers?: Record<string, string>; model?: string; sse?: boolean } = {},
): Promise<Response> {
  const flavor = mock.flavor;
  const stream = opts.stream ?? false;
  let url: string;
  let body = opts.body ?? chatBody(flavor);
  if (flavor === 'gemini') {
    const model = opts.model ?? 'gemini-test';
    url = `${mock.url}/v1beta/models/${model}:${stream ? `streamGenerateContent${opts.sse === false ? '' : '?alt=sse'}` : 'generateContent'}`;
  } else {
    url = flavor === 'openai' ? `${mock.url}/chat/completions` : `${mock.url}/v1/messages`;
    if (opts.model) body = { ...body, model: opts.model };
    if (stream) body = { stream: true, ...body };
  }
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.headers ?? authHeaders(flavor)) },
    body: JSON.stringify(body),
  });
}

/** One parsed SSE event. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Splits an SSE text into events (comments dropped), accepting LF and CRLF. */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    let isComment = true;
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      isComment = false;
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (!isComment) out.push({ event, data: data.join('\n') });
  }
  return out;
}

/** Reads a body to the end; resolves `{ text, error }` where `error` is set when the connection broke. */
export async function readAll(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/**
 * Reads from a body until `predicate(text)` holds, then checks that nothing more arrives
 * within `quietMs`. Resolves the text read and whether it stayed quiet.
 */
export async function readUntilQuiet(
  res: Response,
  predicate: (text: string) => boolean,
  quietMs = 100,
): Promise<{ text: string; quiet: boolean; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!predicate(text)) {
    const { done, value } = await reader.read();
    if (done) return { text, quiet: false, reader };
    text += decoder.decode(value, { stream: true });
  }
  const next = reader.read().then(() => 'data' as const, () => 'error' as const);
  const timeout = new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), quietMs));
  const first = await Promise.race([next, timeout]);
  return { text, quiet: first === 'quiet', reader };
}

/** Parses a response body as JSON, typed loosely for assertions. */
export async function jsonOf(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}
