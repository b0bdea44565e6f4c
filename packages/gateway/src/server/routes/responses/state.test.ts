import { fakeClock, scriptedAdapter } from '@lifeline/testing';
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryResponseStore } from '../../../pipeline/response-store.js';
import { startHarness, type Harness } from '../../../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const model = 'fake-model';
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as APIError);

describe('previous_response_id', () => {
  it('continues a conversation over three turns; instructions are not carried over', async () => {
    const adapter = scriptedAdapter([{ text: 'One' }, { text: 'Two' }, { text: 'Three' }]);
    h = await startHarness({ adapter });
    const r1 = await h.openai.responses.create({ model, instructions: 'First rules.', input: 'A' });
    const r2 = await h.openai.responses.create({ model, previous_response_id: r1.id, input: 'B' });
    await h.openai.responses.create({ model, previous_response_id: r2.id, instructions: 'New rules.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'C' }] }] });
    expect(adapter.calls[2]!.request.messages).toEqual([
      { role: 'system', content: 'New rules.' },
      { role: 'user', content: 'A' },
      { role: 'assistant', content: 'One' },
      { role: 'user', content: 'B' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: [{ type: 'text', text: 'C' }] },
    ]);
  });

  it('continues a streamed response (kept before response.completed is sent)', async () => {
    const adapter = scriptedAdapter([{ pieces: ['Str', 'eamed'] }, { text: 'Next' }]);
    h = await startHarness({ adapter });
    const final = await h.openai.responses.stream({ model, input: 'A' }).finalResponse();
    await h.openai.responses.create({ model, previous_response_id: final.id, input: 'B' });
    expect(adapter.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'A' },
      { role: 'assistant', content: 'Streamed' },
      { role: 'user', content: 'B' },
    ]);
    // `finalResponse()` adds the SDK's own parsed fields; everything the gateway sent is what it kept.
    const got = await h.openai.responses.retrieve(final.id);
    expect(final).toMatchObject(got);
    expect(got.status).toBe('completed');
  });

  it('store: false keeps nothing: no GET, no continuation', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const r = await h.openai.responses.create({ model, input: 'A', store: false });
    expect((r as unknown as { store: boolean }).store).toBe(false);
    const get = await failure(h.openai.responses.retrieve(r.id));
    expect(get).toBeInstanceOf(OpenAI.NotFoundError);
    expect(get!.message).toBe(`404 Response with id '${r.id}' not found.`);
    const next = await failure(h.openai.responses.create({ model, input: 'B', previous_response_id: r.id }));
    expect(next).toBeInstanceOf(OpenAI.BadRequestError);
    expect(next!.message).toBe(`400 Previous response with id '${r.id}' not found.`);
    expect(next!.code).toBe('previous_response_not_found');
  });

  it('an expired response is not found (TTL on the store clock)', async () => {
    const clock = fakeClock(0);
    h = await startHarness({ adapter: scriptedAdapter(), pipeline: { responseStore: () => memoryResponseStore({ ttlMs: 60_000, clock }) } });
    const r = await h.openai.responses.create({ model, input: 'A' });
    clock.advance(59_999);
    expect((await h.openai.responses.retrieve(r.id)).id).toBe(r.id);
    clock.advance(1);
    const next = await failure(h.openai.responses.create({ model, input: 'B', previous_response_id: r.id }));
    expect(next).toBeInstanceOf(OpenAI.BadRequestError);
    expect(next!.code).toBe('previous_response_not_found');
    expect(await failure(h.openai.responses.retrieve(r.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('a gateway that keeps no responses says so', async () => {
    h = await startHarness({ adapter: scriptedAdapter(), pipeline: { responseStore: () => undefined } });
    const r = await h.openai.responses.create({ model, input: 'A' });
    expect((r as unknown as { store: boolean }).store).toBe(false);
    const next = await failure(h.openai.responses.create({ model, input: 'B', previous_response_id: r.id }));
    expect(next!.message).toBe(`400 Previous response with id '${r.id}' not found. This gateway keeps no responses (responses: false in its config).`);
  });
});

describe('tenants', () => {
  it("a tenant cannot read or continue another tenant's response", async () => {
    h = await startHarness({ adapter: scriptedAdapter(), auth: { keys: [{ key: 'tenant-a-key-0123456789', tenant: 'a' }, { key: 'tenant-b-key-0123456789', tenant: 'b' }] }, apiKey: 'tenant-a-key-0123456789' });
    const r = await h.openai.responses.create({ model, input: 'secret' });
    expect((await h.openai.responses.retrieve(r.id)).id).toBe(r.id);
    const b = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'tenant-b-key-0123456789', maxRetries: 0 });
    expect(await failure(b.responses.retrieve(r.id))).toBeInstanceOf(OpenAI.NotFoundError);
    const next = await failure(b.responses.create({ model, input: 'B', previous_response_id: r.id }));
    expect(next).toBeInstanceOf(OpenAI.BadRequestError);
    expect(next!.code).toBe('previous_response_not_found');
  });
});

describe('GET and DELETE /v1/responses/{id}, item_reference', () => {
  it('GET returns the kept response; DELETE forgets it', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const { lifeline: _summary, ...created } = (await h.openai.responses.create({ model, input: 'A', metadata: { k: 'v' } })) as OpenAI.Responses.Response & { lifeline: unknown };
    expect(await h.openai.responses.retrieve(created.id)).toEqual(created);
    const del = await fetch(`${h.url}/v1/responses/${created.id}`, { method: 'DELETE' });
    expect((await del.json()) as unknown).toEqual({ id: created.id, object: 'response.deleted', deleted: true });
    expect(await failure(h.openai.responses.retrieve(created.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await failure(h.openai.responses.delete(created.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('GET of an id this gateway never issued, or as a stream: a clear error', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const unknown = await failure(h.openai.responses.retrieve('resp_nope'));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown!.message).toBe("404 Response with id 'resp_nope' not found.");
    const r = await h.openai.responses.create({ model, input: 'A' });
    const res = await fetch(`${h.url}/v1/responses/${r.id}?stream=true`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Invalid request: stream is not supported when retrieving a stored response: retrieve it as JSON');
  });

  it('item_reference brings back a kept output item; an unknown one is a 404', async () => {
    const adapter = scriptedAdapter([{ text: 'Stored answer' }, { text: 'ok' }]);
    h = await startHarness({ adapter });
    const r = await h.openai.responses.create({ model, input: 'A' });
    await h.openai.responses.create({ model, input: [{ role: 'user', content: 'A' }, { type: 'item_reference', id: r.output[0]!.id! }, { role: 'user', content: 'B' }] });
    expect(adapter.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'A' },
      { role: 'assistant', content: 'Stored answer' },
      { role: 'user', content: 'B' },
    ]);
    const missing = await failure(h.openai.responses.create({ model, input: [{ type: 'item_reference', id: 'msg_unknown' }] }));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing!.message).toBe("404 Item with id 'msg_unknown' not found. Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.");
    expect(missing!.param).toBe('input[0]');
  });
});
