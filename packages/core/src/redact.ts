/** @module */

const SECRET_PATTERNS: RegExp[] = [
  // OpenAI / Anthropic / OpenRouter / DeepSeek style keys: sk-..., sk-ant-..., sk-or-v1-...
  /\bsk-[A-Za-z0-9_\-*.]{6,}/g,
  // Google API keys
  /\bAIza[0-9A-Za-z_\-]{20,}/g,
  // Bearer tokens in echoed headers
  /\b(Bearer\s+)[A-Za-z0-9._~+/=\-]{6,}/gi,
  // key=... in echoed URLs
  /([?&](?:key|api_key|apikey)=)[^&\s"']+/gi,
];

/**
 * Removes anything that looks like an API key from `text`, plus every exact secret in `secrets`.
 * Used on every error message so that a provider echoing a key never leaks it.
 *
 * @param text - the text to clean
 * @param secrets - exact values to remove (e.g. the adapter's own API key)
 * @returns the text with secrets replaced by `[redacted]`
 * @example
 * ```ts
 * redactSecrets('Incorrect API key provided: sk-abc123456', []) // 'Incorrect API key provided: [redacted]'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(out)) {
      pattern.lastIndex = 0;
      out = out.replace(pattern, (_m, prefix?: string) =>
        typeof prefix === 'string' && prefix.length > 0 ? `${prefix}[redacted]` : '[redacted]',
      );
    }
  }
  return out;
}
