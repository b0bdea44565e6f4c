/** The wire types of the front door against the official SDK's own definitions. */
import type Anthropic from '@anthropic-ai/sdk';
import { describe, expectTypeOf, it } from 'vitest';
import type { AnthropicErrorBody, AnthropicMessage, BlockDelta, ContentBlock, DeltaUsage, MessageUsage, ToolChoiceParam } from './types.js';

describe('wire types', () => {
  it('answers with what the SDK declares', () => {
    // stop_reason is a string: reasons without an OpenAI counterpart are passed through verbatim.
    expectTypeOf<Omit<AnthropicMessage, 'stop_reason' | 'lifeline'>>().toExtend<Omit<Anthropic.Message, 'stop_reason'>>();
    expectTypeOf<ContentBlock>().toExtend<Anthropic.ContentBlock>();
    expectTypeOf<MessageUsage>().toExtend<Anthropic.Usage>();
    expectTypeOf<DeltaUsage>().toExtend<Anthropic.MessageDeltaUsage>();
    expectTypeOf<BlockDelta>().toExtend<Anthropic.RawContentBlockDelta>();
    expectTypeOf<AnthropicErrorBody['error']['type']>().toExtend<Anthropic.ErrorType | 'request_too_large'>();
  });

  it('reads every tool_choice the SDK can send', () => {
    expectTypeOf<Anthropic.ToolChoice>().toExtend<ToolChoiceParam>();
  });
});
