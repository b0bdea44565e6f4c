// Child: bare Fastify answering the same JSON from memory.
import Fastify from 'fastify';
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const usage = { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 };
const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
app.post('/v1/chat/completions', async (req) => {
  const body = req.body as { model: string };
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'ready', url });
process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
