/**
 * A middleware written by a user in 10 lines: it tags every call with a tenant-aware trace id
 * and logs who answered and how long it took. Run: `npm run build && node examples/custom-middleware/index.ts`.
 */
import { createClient, type Adapter, type Middleware } from '@lifeline/core';

// ---- the user's middleware: 10 lines ----
const auditLog = (log: (line: string) => void = console.log): Middleware =>
  async function auditLog(ctx, next) {
    const started = performance.now();
    try {
      await next();
      log(`[audit] tenant=${String(ctx.metadata.tenant ?? '-')} provider=${ctx.meta.provider} model=${ctx.meta.model} ok in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      log(`[audit] tenant=${String(ctx.metadata.tenant ?? '-')} failed: ${(err as Error).message}`);
      throw err;
    }
  };
// ------------------------------------------

// An in-process adapter so the example runs without a network or an API key.
const echo: Adapter = {
  name: 'echo',
  kind: 'echo',
  async chat(request) {
    const last = request.messages.at(-1);
    const text = typeof last?.content === 'string' ? last.content : '';
    return {
      id: 'echo-1', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `You said: ${text}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: text.length, completion_tokens: text.length + 10, total_tokens: 2 * text.length + 10 },
    };
  },
  async stream() {
    throw new Error('echo does not stream');
  },
};

const lines: string[] = [];
const client = createClient({ adapter: echo, use: [auditLog((l) => { lines.push(l); console.log(l); })] });
const { response, meta } = await client.chat(
  { model: 'echo-1', messages: [{ role: 'user', content: 'hello, onion' }] },
  { metadata: { tenant: 'acme' } },
);
console.log(response.choices[0]?.message.content, `(attempts: ${meta.attempts})`);
if (!lines[0]?.startsWith('[audit] tenant=acme provider=echo model=echo-1 ok')) {
  console.error('custom middleware did not run as expected');
  process.exit(1);
}
