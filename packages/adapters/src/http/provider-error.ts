/**
 * Reads the error a provider put in a body, whatever its envelope: OpenAI `{error:{…}}`, Anthropic
 * `{type:"error",error:{…},request_id}`, Google `{error:{code,status,details}}`, Gemini-compat
 * `[{error:{…}}]`, old vLLM flat `{object:"error",…}`, OpenRouter numeric `code`, FastAPI `detail`.
 * @module
 */
import { parseDuration } from './durations.js';

/** A provider error, normalised. Every field is optional: bodies are not uniform. */
export interface ProviderErrorInfo {
  /** Human-readable message. */
  message?: string;
  /** `error.type` (OpenAI, Anthropic), or Google's `error.status` (`RESOURCE_EXHAUSTED`). */
  type?: string;
  /** `error.code` as a string (`rate_limit_exceeded`, `insufficient_quota`); numeric codes become strings. */
  code?: string;
  /** `error.param` (OpenAI): the offending request field. */
  param?: string;
  /** A numeric `code` in the HTTP status range (OpenRouter, Google, vLLM): the status the error stands for. */
  status?: number;
  /** Google `RetryInfo.retryDelay`, in ms. */
  retryDelayMs?: number;
  /** A Google `QuotaFailure` whose quota is per day: retrying today will not help. */
  dailyQuota?: boolean;
  /** OpenRouter moderation metadata (`reasons`, `flagged_input`) was present. */
  moderation?: boolean;
  /** A request id found in the body (Anthropic `request_id`). */
  requestId?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * Parses an error body's text. Leading whitespace is skipped (DeepSeek sends blank lines first);
 * a body that is not JSON yields its text (HTML tags stripped, whitespace collapsed) as `message`.
 *
 * @param text - the raw body
 * @returns what could be read; `{}` for an empty body
 * @example
 * ```ts
 * parseErrorText('<h1>502 Bad Gateway</h1>') // { message: '502 Bad Gateway' }
 * ```
 */
export function parseErrorText(text: string): ProviderErrorInfo {
  const t = text.trim();
  if (t === '') return {};
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return extractProviderError(JSON.parse(t)) ?? {};
    } catch {
      // fall through: not JSON after all
    }
  }
  const plain = t.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? { message: plain } : {};
}

/**
 * Finds the provider error in a parsed body, or `undefined` when the body carries none (a normal
 * completion). Used for error statuses and for HTTP 200 bodies and stream events that carry an error.
 *
 * @param body - a parsed JSON body or stream event
 * @example
 * ```ts
 * extractProviderError({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } })
 * // { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }
 * ```
 */
export function extractProviderError(body: unknown): ProviderErrorInfo | undefined {
  if (Array.isArray(body)) {
    for (const item of body) {
      const info = extractProviderError(item);
      if (info) return info;
    }
    return undefined;
  }
  if (!isObj(body)) return undefined;
  const requestId = str(body.request_id);
  const err = body.error;
  let info: ProviderErrorInfo | undefined;
  if (isObj(err)) info = fromFields(err);
  else if (typeof err === 'string' && err) info = str(body.message) ? { message: body.message as string, code: err } : { message: err };
  else if (body.object === 'error' || (body.type === 'error' && str(body.message))) info = fromFields(body);
  else if (typeof body.detail === 'string' && body.detail && body.choices === undefined) info = { message: body.detail };
  if (!info) return undefined;
  if (requestId) info.requestId = requestId;
  return info;
}

function fromFields(e: Obj): ProviderErrorInfo {
  const info: ProviderErrorInfo = {};
  const message = str(e.message) ?? (isObj(e.error) ? str(e.error.message) : undefined);
  if (message) info.message = message;
  const type = str(e.type) ?? str(e.status);
  if (type && type !== 'error') info.type = type;
  const code = e.code;
  if (typeof code === 'number' && Number.isFinite(code)) {
    if (code >= 400 && code <= 599) info.status = code;
    else info.code = String(code);
  } else if (str(code)) {
    info.code = code as string;
  }
  const param = str(e.param);
  if (param) info.param = param;
  const metadata = e.metadata;
  if (isObj(metadata) && (metadata.reasons !== undefined || metadata.flagged_input !== undefined)) info.moderation = true;
  if (isObj(metadata) && str(metadata.raw) && !info.message) info.message = metadata.raw as string;
  if (Array.isArray(e.details)) readGoogleDetails(e.details, info);
  return info;
}

function readGoogleDetails(details: unknown[], info: ProviderErrorInfo): void {
  for (const d of details) {
    if (!isObj(d)) continue;
    const kind = str(d['@type']) ?? '';
    if (kind.endsWith('google.rpc.RetryInfo')) {
      const ms = parseDuration(str(d.retryDelay));
      if (ms !== undefined) info.retryDelayMs = Math.ceil(ms);
    } else if (kind.endsWith('google.rpc.QuotaFailure') && Array.isArray(d.violations)) {
      for (const v of d.violations) {
        const id = isObj(v) ? `${str(v.quotaId) ?? ''} ${str(v.quotaMetric) ?? ''}` : '';
        if (/per[-_ ]?day|PerDay/i.test(id)) info.dailyQuota = true;
      }
    }
  }
}
