/**
 * `telemetry:` — OpenTelemetry traces and metrics of every call, exported over OTLP/HTTP:
 * its shape and its validation.
 * @module
 */
import { Issues, readBoolean, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';

/** OTLP/HTTP encodings. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Every {@link OtlpProtocol}, for validation messages. */
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/** `telemetry.otlp:` where traces and metrics are sent. */
export interface OtlpConfig {
  /**
   * Base URL of the OTLP/HTTP receiver, as `OTEL_EXPORTER_OTLP_ENDPOINT` (`http://collector:4318`):
   * traces go to `<endpoint>/v1/traces`, metrics to `<endpoint>/v1/metrics`.
   */
  endpoint: string;
  /** Headers of every export (a hosted backend's key: write it as `"${ENV}"`). Never logged. @defaultValue {} */
  headers: Record<string, string>;
  /** @defaultValue 'http/protobuf' (the OTLP default) */
  protocol: OtlpProtocol;
}

/** `telemetry:` traces and metrics of every call (`@lifeline/otel`), exported over OTLP. */
export interface TelemetryConfig {
  otlp: OtlpConfig;
  /** `service.name` of the exported resource. @defaultValue 'lifeline-gateway' */
  serviceName: string;
  /** Send each upstream attempt's `traceparent`, so a provider or relay that traces joins the trace. @defaultValue false */
  propagateUpstream: boolean;
  /** Record prompts and completions on the call spans (personal data: opt in knowingly). @defaultValue false */
  captureContent: boolean;
  /** How often metrics are exported, in ms (and once more at shutdown). @defaultValue 60000 */
  metricsIntervalMs: number;
}

/** `telemetry:` as a file (or a caller) may give it. */
export interface TelemetryConfigInput {
  otlp: { endpoint: string; headers?: Record<string, string>; protocol?: OtlpProtocol };
  serviceName?: string;
  propagateUpstream?: boolean;
  captureContent?: boolean;
  metricsIntervalMs?: number;
}

/** Defaults of `telemetry:`. */
export const TELEMETRY_DEFAULTS = { serviceName: 'lifeline-gateway', protocol: 'http/protobuf', metricsIntervalMs: 60_000 } as const satisfies Partial<TelemetryConfig & OtlpConfig>;

const KEYS = ['otlp', 'serviceName', 'propagateUpstream', 'captureContent', 'metricsIntervalMs'] as const;
const OTLP_KEYS = ['endpoint', 'headers', 'protocol'] as const;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Reads `telemetry:`; absent or `false` means no telemetry. */
export function readTelemetry(issues: Issues, raw: unknown): TelemetryConfig | undefined {
  if (raw === undefined || raw === null || raw === false || raw === 'false') return undefined;
  const o = readObject(issues, 'telemetry', raw);
  if (!o) return undefined;
  rejectUnknownKeys(issues, 'telemetry', o, KEYS);
  const otlp = readObject(issues, 'telemetry.otlp', o.otlp, false);
  if (!otlp) return undefined;
  rejectUnknownKeys(issues, 'telemetry.otlp', otlp, OTLP_KEYS);
  const endpoint = readEndpoint(issues, otlp.endpoint);
  const headers = readHeaders(issues, otlp.headers);
  const config: TelemetryConfig = {
    otlp: {
      endpoint: endpoint ?? '',
      headers,
      protocol: readEnum(issues, 'telemetry.otlp.protocol', otlp.protocol, OTLP_PROTOCOLS) ?? TELEMETRY_DEFAULTS.protocol,
    },
    serviceName: readString(issues, 'telemetry.serviceName', o.serviceName, { optional: true }) ?? TELEMETRY_DEFAULTS.serviceName,
    propagateUpstream: readBoolean(issues, 'telemetry.propagateUpstream', o.propagateUpstream) ?? false,
    captureContent: readBoolean(issues, 'telemetry.captureContent', o.captureContent) ?? false,
    metricsIntervalMs: readNumber(issues, 'telemetry.metricsIntervalMs', o.metricsIntervalMs, { min: 1_000, integer: true }) ?? TELEMETRY_DEFAULTS.metricsIntervalMs,
  };
  return endpoint === undefined ? undefined : config;
}

function readEndpoint(issues: Issues, value: unknown): string | undefined {
  const text = readString(issues, 'telemetry.otlp.endpoint', value);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return issues.expected('telemetry.otlp.endpoint', 'an http:// or https:// URL (e.g. http://127.0.0.1:4318)', text);
  }
  if (url.username || url.password) return issues.add('telemetry.otlp.endpoint', 'must not carry credentials (URL not shown): send them in telemetry.otlp.headers');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return issues.expected('telemetry.otlp.endpoint', 'an http:// or https:// URL (OTLP/HTTP; gRPC is not supported)', text);
  if (url.search || url.hash) return issues.expected('telemetry.otlp.endpoint', 'a base URL without query or fragment', text);
  return text.replace(/\/+$/, '');
}

/** Header names are checked; values are never repeated in a message (they may be keys). */
function readHeaders(issues: Issues, value: unknown): Record<string, string> {
  const o = readObject(issues, 'telemetry.otlp.headers', value ?? {});
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(o ?? {})) {
    const path = `telemetry.otlp.headers.${name}`;
    if (!HEADER_NAME.test(name)) issues.add(path, 'is not a valid HTTP header name');
    else if (typeof v !== 'string' || v === '' || /[\r\n]/.test(v)) issues.add(path, 'expected a non-empty single-line string (value not shown)');
    else headers[name.toLowerCase()] = v;
  }
  return headers;
}
