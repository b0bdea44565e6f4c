/**
 * The AI SDK's stream parts → Lifeline `ChatChunk`s: text, reasoning (and signed thinking
 * blocks), tool calls streamed by `index`, a finish chunk and a usage chunk (`choices: []`), as an
 * OpenAI-compatible stream with `include_usage` would send them. A stream that breaks, carries an
 * error part, or ends without a `finish` part raises instead of ending quietly.
 * @module
 */
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { StreamInterruptedError, type ChatChunk, type ChunkChoice } from '@lifeline/core';
import { toOpenAIFinishReason } from '../shared/finish-reason.js';
import { toLifelineUsage } from '../shared/usage.js';
import { fromStreamErrorPart, streamBroken, type ErrorContext } from './errors.js';
import { thinkingBlock } from './response.js';

/** What {@link toChunks} needs besides the stream. */
export interface ChunkContext extends ErrorContext {
  /** The wrapped model's id, until the stream names its own. */
  modelId: string;
  /** Current time, epoch ms. */
  now: number;
}

/**
 * Yields the chunks of an AI SDK stream. Breaking out of the iteration cancels the AI SDK stream
 * (and with it the upstream request).
 *
 * @param stream - the `stream` of `doStream`
 * @param ctx - provider, label, signal, model id
 * @throws `StreamInterruptedError` (retryable) when the stream is cut or ends without a `finish`;
 *   the classified error for an `error` part; the abort reason once the signal aborted
 */
export async function* toChunks(stream: ReadableStream<LanguageModelV4StreamPart>, ctx: ChunkContext): AsyncGenerator<ChatChunk, void, undefined> {
  const reader = stream.getReader();
  let id = `aisdk-${ctx.now.toString(36)}`;
  let model = ctx.modelId;
  let created = Math.floor(ctx.now / 1000);
  let delivered = false;
  let done = false;
  let ended = false;
  const tools = new Map<string, { index: number; args: string }>();
  const reasoning = new Map<string, string>();
  const chunk = (delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason'] = null): ChatChunk => {
    if (!delivered) delta = { role: 'assistant', ...delta };
    delivered = true;
    return { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] };
  };
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (error) {
        throw streamBroken(error, ctx, delivered);
      }
      if (step.done) {
        ended = true;
        break;
      }
      const part = step.value;
      switch (part.type) {
        case 'response-metadata':
          if (part.id) id = part.id;
          if (part.modelId) model = part.modelId;
          if (part.timestamp) created = Math.floor(part.timestamp.getTime() / 1000);
          break;
        case 'text-delta':
          if (part.delta) yield chunk({ content: part.delta });
          break;
        case 'reasoning-delta':
          if (part.delta) {
            reasoning.set(part.id, (reasoning.get(part.id) ?? '') + part.delta);
            yield chunk({ reasoning_content: part.delta });
          }
          break;
        case 'reasoning-end': {
          const block = thinkingBlock(reasoning.get(part.id) ?? '', part.providerMetadata);
          reasoning.delete(part.id);
          if (block) yield chunk({ thinking_blocks: [block] });
          break;
        }
        case 'tool-input-start':
          if (part.providerExecuted) break;
          tools.set(part.id, { index: tools.size, args: '' });
          yield chunk({ tool_calls: [{ index: tools.size - 1, id: part.id, type: 'function', function: { name: part.toolName, arguments: '' } }] });
          break;
        case 'tool-input-delta': {
          const state = tools.get(part.id);
          if (!state || !part.delta) break;
          state.args += part.delta;
          yield chunk({ tool_calls: [{ index: state.index, function: { arguments: part.delta } }] });
          break;
        }
        case 'tool-call': {
          if (part.providerExecuted) break;
          const state = tools.get(part.toolCallId);
          if (!state) {
            tools.set(part.toolCallId, { index: tools.size, args: part.input });
            yield chunk({ tool_calls: [{ index: tools.size - 1, id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input || '{}' } }] });
          } else if (state.args === '' && part.input) {
            state.args = part.input;
            yield chunk({ tool_calls: [{ index: state.index, function: { arguments: part.input } }] });
          }
          break;
        }
        case 'error':
          throw fromStreamErrorPart(part.error, ctx, delivered);
        case 'finish': {
          if (part.finishReason.unified === 'interrupted') {
            throw new StreamInterruptedError(`${ctx.label}: the provider stream ended without a completion signal (truncated)`, { provider: ctx.provider, retryable: true, contentDelivered: delivered });
          }
          done = true;
          yield chunk({}, toOpenAIFinishReason(part.finishReason));
          const usage = toLifelineUsage(part.usage);
          if (usage) yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage };
          break;
        }
        default:
          break;
      }
    }
    if (!done) {
      throw new StreamInterruptedError(`${ctx.label}: stream ended without a finish part (truncated)`, { provider: ctx.provider, retryable: true, contentDelivered: delivered });
    }
  } finally {
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
