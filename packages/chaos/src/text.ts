/**
 * The deterministic answers of the chaos run: each target answers request `n` with a text naming
 * `n` and itself, so a complete answer can be checked word for word, and an answer delivered to
 * the wrong request is caught.
 * @module
 */

/** The marker a request carries in its message: `chaos-<n>-nonce`. */
export function nonceOf(n: number): string {
  return `chaos-${n}-nonce`;
}

/** Reads the request number back from anything that contains its nonce, else `undefined`. */
export function readNonce(text: string): number | undefined {
  const m = /chaos-(\d+)-nonce/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * What target `target` answers to request `n`: a dozen words, streamed one word per chunk.
 *
 * @example
 * ```ts
 * expectedText(7, 'alpha'); // 'Answer 7 from alpha: the quick brown fox jumps over the lazy dog.'
 * ```
 */
export function expectedText(n: number, target: string): string {
  return `Answer ${n} from ${target}: the quick brown fox jumps over the lazy dog.`;
}
