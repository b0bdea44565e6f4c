import { BadRequestError, type ChatRequest } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { toGeminiRequest } from './request.js';

function badRequest(request: ChatRequest): BadRequestError {
  try {
    toGeminiRequest(request, 'gemini');
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error('expected a BadRequestError');
}

describe('toGeminiRequest', () => {
  it('translates a full tool-use conversation into the exact wire body', () => {
    const request: ChatRequest = {
      model: 'gemini-2.5-flash',
      temperature: 1.4,
      top_p: 0.9,
      max_completion_tokens: 300,
      stop: 'END',
      n: 2,
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      parallel_tool_calls: false,
      user: 'dropped',
      logprobs: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'sig==' } } } as never,
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temp":18}' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '12:00' }] },
        { role: 'user', content: 'Thanks' },
        { role: 'assistant', content: 'You are welcome.' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } } },
        { type: 'function', function: { name: 'get_time' } },
      ],
      tool_choice: 'required',
    };
    expect(toGeminiRequest(request, 'gemini')).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig==' },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 18 } } },
            { functionResponse: { name: 'get_time', response: { output: '12:00' } } },
            { text: 'Thanks' },
          ],
        },
        { role: 'model', parts: [{ text: 'You are welcome.' }] },
      ],
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Use tools.' }] },
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather by city', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } },
            { name: 'get_time' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: {
        temperature: 1.4,
        topP: 0.9,
        maxOutputTokens: 300,
        candidateCount: 2,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        stopSequences: ['END'],
      },
    });
  });

  it('sends the minimum for a minimal request', () => {
    expect(toGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, 'gemini')).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('maps every tool_choice', () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f' } }];
    const config = (tool_choice: ChatRequest['tool_choice']) => toGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools, tool_choice }, 'g').toolConfig;
    expect(config('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(config('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(config('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(config({ type: 'function', function: { name: 'f' } })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    expect(config(undefined)).toBeUndefined();
  });

  it('maps response_format and merges the gemini escape hatch (generationConfig one level deep)', () => {
    expect(toGeminiRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }, 'g').generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    const body = toGeminiRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        temperature: 0.5,
        top_k: 40,
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
        cachedContent: 'cachedContents/abc',
        thinking: { type: 'enabled' },
        gemini: { generationConfig: { thinkingConfig: { includeThoughts: true }, temperature: 0.9 }, labels: { team: 'a' } },
      },
      'g',
    );
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc',
      labels: { team: 'a' },
      generationConfig: {
        temperature: 0.9,
        topK: 40,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } } },
        thinkingConfig: { includeThoughts: true },
      },
    });
  });

  it('translates images, files and audio', () => {
    const body = toGeminiRequest(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.PNG?size=2' } },
              { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
              { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
            ],
          },
        ],
      },
      'g',
    );
    expect(body.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.PNG?size=2' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
    ]);
  });

  it('rejects what it cannot translate, naming the field', () => {
    const orphan = badRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_zz', content: '1' }] });
    expect(orphan.message).toBe(
      'gemini: messages[1].tool_call_id must match the id of a tool call in an earlier assistant message (Gemini needs the function name), got "call_zz"',
    );
    expect(orphan.field).toBe('messages[1].tool_call_id');
    expect(
      badRequest({ model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '"s"' } }] }] }).message,
    ).toBe('gemini: messages[0].tool_calls[0].function.arguments must be a JSON object (Gemini needs functionCall args as an object)');
    expect(badRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/img' } }] }] }).message).toBe(
      'gemini: messages[0].content[0].image_url.url has no known file extension to take a MIME type from; send a base64 data: URL instead, got "https://x.test/img"',
    );
    expect(badRequest({ model: 'm', messages: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] }).message).toBe(
      'gemini: messages[0].content[0].type "refusal" is not supported by the Gemini API',
    );
  });
});
