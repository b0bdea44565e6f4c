import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { parseConfig } from './load.js';
import { validateConfig } from './validate.js';

const minimal = () => ({
  providers: { primary: { kind: 'openai', baseURL: 'https://relay.example/v1', apiKey: 'sk-relay-123456' } },
  routes: [{ model: '*', targets: ['primary'] }],
});

function issuesOf(telemetry: unknown): readonly string[] {
  const error = (() => {
    try {
      validateConfig({ ...minimal(), telemetry });
    } catch (err) {
      return err;
    }
    throw new Error('expected validation to fail');
  })();
  expect(error).toBeInstanceOf(ConfigValidationError);
  return (error as ConfigValidationError).issues;
}

describe('telemetry:', () => {
  it('is off when absent or false', () => {
    expect(validateConfig(minimal()).telemetry).toBeUndefined();
    expect(validateConfig({ ...minimal(), telemetry: false }).telemetry).toBeUndefined();
  });

  it('applies its defaults; the endpoint loses a trailing slash, header names are lower-cased', () => {
    const config = validateConfig({ ...minimal(), telemetry: { otlp: { endpoint: 'https://otlp.example.com:4318/', headers: { 'X-Honeycomb-Team': 'hc-key' } } } });
    expect(config.telemetry).toEqual({
      otlp: { endpoint: 'https://otlp.example.com:4318', headers: { 'x-honeycomb-team': 'hc-key' }, protocol: 'http/protobuf' },
      serviceName: 'lifeline-gateway',
      propagateUpstream: false,
      captureContent: false,
      metricsIntervalMs: 60_000,
    });
  });

  it('reads a YAML file section, with values from the environment', () => {
    const yaml = [
      'providers: { primary: { kind: openai, apiKey: "${KEY}" } }',
      'routes: [{ model: "*", targets: [primary] }]',
      'telemetry:',
      '  otlp: { endpoint: "http://127.0.0.1:4318", protocol: http/json, headers: { authorization: "Bearer ${OTLP_TOKEN}" } }',
      '  propagateUpstream: true',
      '  serviceName: gw-eu',
    ].join('\n');
    const config = parseConfig(yaml, { env: { KEY: 'sk-relay-123456', OTLP_TOKEN: 'tok-1' } });
    expect(config.telemetry).toMatchObject({ otlp: { endpoint: 'http://127.0.0.1:4318', protocol: 'http/json', headers: { authorization: 'Bearer tok-1' } }, propagateUpstream: true, serviceName: 'gw-eu' });
  });

  it.each([
    [{}, 'telemetry.otlp: is required'],
    [{ otlp: {} }, 'telemetry.otlp.endpoint: is required'],
    [{ otlp: { endpoint: 'collector:4318' } }, 'telemetry.otlp.endpoint: expected an http:// or https:// URL (OTLP/HTTP; gRPC is not supported), got "collector:4318"'],
    [{ otlp: { endpoint: 'grpc://collector:4317' } }, 'telemetry.otlp.endpoint: expected an http:// or https:// URL (OTLP/HTTP; gRPC is not supported), got "grpc://collector:4317"'],
    [{ otlp: { endpoint: 'https://user:pw-secret@collector' } }, 'telemetry.otlp.endpoint: must not carry credentials (URL not shown): send them in telemetry.otlp.headers'],
    [{ otlp: { endpoint: 'http://c:4318', protocol: 'grpc' } }, 'telemetry.otlp.protocol: expected one of http/protobuf, http/json, got "grpc"'],
    [{ otlp: { endpoint: 'http://c:4318', headers: { 'bad header': 'x' } } }, 'telemetry.otlp.headers.bad header: is not a valid HTTP header name'],
    [{ otlp: { endpoint: 'http://c:4318', headers: { authorization: 'Bearer a\nb' } } }, 'telemetry.otlp.headers.authorization: expected a non-empty single-line string (value not shown)'],
    [{ otlp: { endpoint: 'http://c:4318' }, metricsIntervalMs: 10 }, 'telemetry.metricsIntervalMs: expected an integer >= 1000, got 10'],
    [{ otlp: { endpoint: 'http://c:4318' }, sample: 0.1 }, 'telemetry.sample: unknown key; expected one of otlp, serviceName, propagateUpstream, captureContent, metricsIntervalMs'],
  ])('rejects %j', (telemetry, issue) => {
    expect(issuesOf(telemetry)).toEqual([issue]);
  });

  it('never repeats a header value or a credential in its messages', () => {
    const text = [...issuesOf({ otlp: { endpoint: 'https://user:pw-secret@collector', headers: { authorization: 'Bearer sk-otlp\nx' } } })].join('\n');
    expect(text).not.toContain('pw-secret');
    expect(text).not.toContain('sk-otlp');
  });
});
