/**
 * The `raw` step: the status, headers and bytes a test gives, sent as a provider wrote them, with
 * only a missing content type filled in.
 *
 * @module
 */
import type { FlavorImpl, RenderContext, WireResponse } from './flavors/flavor.js';
import type { RawStep } from './types.js';

function hasContentType(headers: Record<string, string>): boolean {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') return true;
  return false;
}

/**
 * The answer of a `raw` step. Headers are `raw.headers`, then the step's `rateLimit` headers,
 * then the step's `headers`; without a content type among them, the vendor's for this request:
 * its stream type for a streaming request answered with a 2xx status, else `application/json`.
 */
export function rawResponse(flavor: FlavorImpl, step: RawStep, ctx: RenderContext, stream: boolean): WireResponse {
  const { body, status = 200 } = step.raw;
  const headers: Record<string, string> = { ...step.raw.headers };
  if (step.rateLimit) Object.assign(headers, flavor.rateLimitHeaders(step.rateLimit, ctx));
  if (step.headers) Object.assign(headers, step.headers);
  if (!hasContentType(headers)) {
    headers['content-type'] = stream && status >= 200 && status < 300 ? flavor.streamContentType(ctx) : 'application/json';
  }
  return { status, headers, body };
}
