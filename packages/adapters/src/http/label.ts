/** @module */

/**
 * The prefix of an adapter's error messages: the vendor kind, then the target name when it differs
 * (`openai primary`, `anthropic`).
 *
 * @param kind - vendor kind (`openai`)
 * @param name - target name (`primary`)
 * @example
 * ```ts
 * providerLabel('openai', 'primary') // 'openai primary'
 * providerLabel('openai', 'openai')  // 'openai'
 * ```
 */
export function providerLabel(kind: string, name: string): string {
  return name === kind ? kind : `${kind} ${name}`;
}
