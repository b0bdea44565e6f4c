// Child: a gateway (built from argv[2]'s checkout) whose route answers from memory (no core, no upstream): the server's own cost.
const dir = process.argv[2]!;
const { createGateway, createPipeline } = await import(`${dir}/packages/gateway/dist/index.js`);
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const usage = { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 };
const client = {
  async chat(request: { model: string }) {
    const now = Date.now();
    const response = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage };
    const meta = { provider: 'ok', model: request.model, attempts: 1, cache: 'miss', costUsd: 0.0000213, latencyMs: 0.8, usage, attemptLog: [{ target: 'ok', model: request.model, startedAt: now, latencyMs: 0.8, status: 200, outcome: 'ok', usage }] };
    return { response, meta };
  },
};
const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }] }) });
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'ready', url });
process.once('SIGTERM', () => void gateway.close().finally(() => process.exit(0)));
