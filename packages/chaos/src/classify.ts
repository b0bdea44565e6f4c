/**
 * Judging one answer of the gateway. Acceptable: a complete answer (the exact expected text), an
 * explicit error (an OpenAI-shaped error, as a status or in-band in a stream without `[DONE]`), a
 * degraded answer flagged as such, or a content-filter refusal. Anything else is a violation.
 * @module
 */

/** Acceptable outcomes. */
export type GoodOutcome = 'complete' | 'degraded' | 'refused' | 'error';
/** Violations of the chaos invariants. */
export type Violation =
  | 'hang'
  | 'truncated-success'
  | 'wrong-answer'
  | 'unflagged-degraded'
  | 'unterminated-stream'
  | 'malformed-error'
  | 'connection-error';
/** How one request ended. */
export type Outcome = GoodOutcome | Violation;

/** Every violation kind. */
export const VIOLATIONS: readonly Violation[] = ['hang', 'truncated-success', 'wrong-answer', 'unflagged-degraded', 'unterminated-stream', 'malformed-error', 'connection-error'];

/** The verdict and why. */
export interface Verdict {
  outcome: Outcome;
  detail?: string;
}

/** True when `body` is `{ error: { message: string, type: string, param, code } }`. */
export function isOpenAIError(body: unknown): boolean {
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  return (
    typeof e === 'object' && e !== null && typeof e.message === 'string' && e.message.length > 0 &&
    typeof e.type === 'string' && 'param' in e && 'code' in e
  );
}

/** What the request may legitimately be answered with. */
export interface Expectation {
  /** Full texts a real answer may have (one per target). */
  texts: readonly string[];
  /** The degraded answer's text. */
  degradedText?: string;
}

function judgeContent(content: string, finish: string | null | undefined, degraded: boolean, exp: Expectation): Verdict {
  if (degraded) return { outcome: 'degraded' };
  if (finish === 'content_filter') return { outcome: 'refused' };
  if (exp.texts.includes(content)) return { outcome: 'complete' };
  if (exp.degradedText !== undefined && content === exp.degradedText) return { outcome: 'unflagged-degraded' };
  if (exp.texts.some((t) => t.startsWith(content))) return { outcome: 'truncated-success', detail: `got a prefix: ${JSON.stringify(content)}` };
  return { outcome: 'wrong-answer', detail: `got ${JSON.stringify(content.slice(0, 200))}` };
}

/**
 * Judges a non-streamed answer.
 *
 * @example
 * ```ts
 * judgeJson(200, { 'x-lifeline-degraded': 'true' }, body, { texts: ['…'] }); // { outcome: 'degraded' }
 * ```
 */
export function judgeJson(status: number, headers: Record<string, string | string[] | undefined>, text: string, exp: Expectation): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { outcome: status === 200 ? 'wrong-answer' : 'malformed-error', detail: `unparsable body (${status}): ${text.slice(0, 200)}` };
  }
  if (status !== 200) return isOpenAIError(body) ? { outcome: 'error' } : { outcome: 'malformed-error', detail: `${status} ${text.slice(0, 200)}` };
  const b = body as { choices?: Array<{ message?: { content?: unknown }; finish_reason?: string }>; lifeline?: { degraded?: boolean } };
  const flagged = headers['x-lifeline-degraded'] === 'true';
  if (flagged !== (b.lifeline?.degraded === true)) return { outcome: 'unflagged-degraded', detail: 'header and body disagree on degraded' };
  const choice = b.choices?.[0];
  const content = typeof choice?.message?.content === 'string' ? choice.message.content : '';
  return judgeContent(content, choice?.finish_reason, flagged, exp);
}

/**
 * Judges a streamed answer from its raw SSE text. A stream must end with `[DONE]` (then it must
 * carry the whole text) or with an in-band error event (then it is an explicit error).
 *
 * @example
 * ```ts
 * judgeStream(200, {}, 'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n', { texts: ['Hi'] });
 * ```
 */
export function judgeStream(status: number, headers: Record<string, string | string[] | undefined>, raw: string, exp: Expectation): Verdict {
  if (status !== 200) return judgeJson(status, headers, raw, exp);
  let content = '';
  let finish: string | null | undefined;
  let done = false;
  let error: unknown;
  for (const event of raw.split(/\r?\n\r?\n/)) {
    for (const line of event.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') {
        done = true;
        continue;
      }
      let chunk: { error?: unknown; choices?: Array<{ delta?: { content?: string }; finish_reason?: string | null }> };
      try {
        chunk = JSON.parse(data);
      } catch {
        return { outcome: 'wrong-answer', detail: `unparsable event: ${data.slice(0, 200)}` };
      }
      if (chunk.error !== undefined) error = chunk;
      const c = chunk.choices?.[0];
      if (typeof c?.delta?.content === 'string') content += c.delta.content;
      if (c?.finish_reason) finish = c.finish_reason;
    }
  }
  if (error !== undefined) {
    if (done) return { outcome: 'truncated-success', detail: 'an error event and [DONE] in one stream' };
    return isOpenAIError(error) ? { outcome: 'error' } : { outcome: 'malformed-error', detail: JSON.stringify(error).slice(0, 200) };
  }
  if (!done) return { outcome: 'unterminated-stream', detail: `no [DONE] and no error after ${JSON.stringify(content.slice(-80))}` };
  return judgeContent(content, finish, headers['x-lifeline-degraded'] === 'true', exp);
}
