/**
 * Structured output through createLifeline: generateObject with a zod schema, and generateText's
 * Output.object with a JSON schema, over real HTTP to the mock provider.
 */
import { createClient } from '@lifeline/core';
import { Output, generateObject, generateText, jsonSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { body, closeAfterEach, mock, relay } from '../../test/mocks.js';
import { createLifeline } from './provider.js';

closeAfterEach();

const person = '{"name":"Ada Lovelace","born":1815}';

describe('createLifeline — structured output', () => {
  it('generateObject with a zod schema sends response_format json_schema and parses the answer', async () => {
    const server = await mock({ text: person });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const { object, providerMetadata } = await generateObject({
      model: lifeline('gpt-4.1'),
      schema: z.object({ name: z.string(), born: z.number() }),
      schemaName: 'person',
      schemaDescription: 'A person',
      prompt: 'Who wrote the first program?',
    });
    expect(object).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(providerMetadata?.lifeline).toMatchObject({ provider: 'primary', attempts: 1 });
    expect(body(server).response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'person',
        description: 'A person',
        schema: expect.objectContaining({ type: 'object', properties: { name: { type: 'string' }, born: { type: 'number' } }, required: ['name', 'born'] }),
      },
    });
  });

  it('generateText with Output.object and a JSON schema', async () => {
    const server = await mock({ text: person });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const schema = jsonSchema<{ name: string; born: number }>({ type: 'object', properties: { name: { type: 'string' }, born: { type: 'number' } }, required: ['name', 'born'], additionalProperties: false });
    const { output } = await generateText({ model: lifeline('gpt-4.1'), output: Output.object({ schema }), prompt: 'Who?' });
    expect(output).toEqual({ name: 'Ada Lovelace', born: 1815 });
    expect(body(server).response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'response', schema: { required: ['name', 'born'] } } });
  });

  it('JSON mode without a schema sends response_format json_object', async () => {
    const server = await mock({ text: '{"ok":true}' });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const { object } = await generateObject({ model: lifeline('gpt-4.1'), output: 'no-schema', prompt: 'JSON please' });
    expect(object).toEqual({ ok: true });
    expect(body(server).response_format).toEqual({ type: 'json_object' });
  });
});
