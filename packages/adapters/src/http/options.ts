/**
 * Shared checks of adapter options: every message names the vendor, the field and the value
 * received (never an API key's value).
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { readApiKeys, type ApiKeySpec } from '../keys/options.js';

/** A value as quoted in option errors: strings JSON-quoted, the rest as `String(v)`. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The thrower of one vendor's option errors: `anthropic: name must be a non-empty string, got 42`. */
export type OptionFail = (field: string, expected: string, got: string) => never;

/** Builds {@link OptionFail} for `vendor`. */
export function optionFail(vendor: string): OptionFail {
  return (field, expected, got) => {
    throw new ConfigurationError(`${vendor}: ${field} must be ${expected}, got ${got}`);
  };
}

/**
 * Checks a bare-origin `baseURL` (absolute http(s), no query or fragment) and returns it without
 * trailing slashes.
 *
 * @param noQuery - what `fail` says a URL with a query or fragment must be
 */
export function bareBaseURL(baseURL: unknown, fail: OptionFail, noQuery: string): string {
  let url: URL;
  try {
    url = new URL(baseURL as string);
  } catch {
    return fail('baseURL', 'an absolute http(s) URL', describeValue(baseURL));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('baseURL', 'an absolute http(s) URL', describeValue(baseURL));
  if (url.search || url.hash) fail('baseURL', noQuery, describeValue(baseURL));
  return url.href.replace(/\/+$/, '');
}

/**
 * Checks the `apiKey` (one key, or several for a key pool) and `name` every keyed adapter takes;
 * a key's value is never quoted.
 * @returns the keys, in order
 * @throws {@link ConfigurationError} naming the field
 */
export function readKeysAndName(vendor: string, apiKey: unknown, name: unknown, fail: OptionFail): ApiKeySpec[] {
  const keys = readApiKeys(vendor, apiKey, true);
  if (typeof name !== 'string' || name === '') fail('name', 'a non-empty string', describeValue(name));
  return keys;
}
