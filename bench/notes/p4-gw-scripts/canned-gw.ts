// Child: a gateway (built from argv[2]'s checkout) whose route answers from memory (no core, no upstream): the server's own cost. Streams: 25 pre-serialised chunks.
const dir = process.argv[2]!;
const { createGateway, createPipeline } = await import(`${dir}/packages/gateway/dist/index.js`);
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const usage = { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 };
const words = TEXT.split(' ').slice(0, 23);
function metaOf(model: string) {
  const now = Date.now();
  return { provider: 'ok', model, attempts: 1, cache: 'miss', costUsd: 0.0000213, latencyMs: 0.8, usage, attemptLog: [{ target: 'ok', model, startedAt: now, latencyMs: 0.8, status: 200, outcome: 'ok', usage }] };
}
const client = {
  async chat(request: { model: string }) {
    const response = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage };
    return { response, meta: metaOf(request.model) };
  },
  stream(request: { model: string }) {
    const meta = metaOf(request.model);
    const chunks = [{ id: 'c', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      ...words.map((w) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: { content: w + ' ' }, finish_reason: null }] })),
      { id: 'c', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }];
    let resolve!: (v: unknown) => void;
    const result = new Promise((r) => (resolve = r));
    let i = 0;
    const it = { next: async () => { if (i < chunks.length) return { done: false, value: chunks[i++] }; resolve({ response: { id: 'c', object: 'chat.completion', created: 1, model: request.model, choices: [], usage }, meta }); return { done: true, value: undefined }; }, return: async () => ({ done: true, value: undefined }) };
    return { meta, result, abort() {}, [Symbol.asyncIterator]: () => it };
  },
};
const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }] }) });
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'ready', url });
process.once('SIGTERM', () => void gateway.close().finally(() => process.exit(0)));
