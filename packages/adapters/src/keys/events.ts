/**
 * Key pool events on `node:diagnostics_channel`, channel `lifeline:key` (published through core's
 * `publish`, so nothing is built when nobody listens):
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('lifeline:key', (e) => console.warn(`${e.provider} key ${e.key}: ${e.state} (${e.reason ?? 'back'})`));
 * ```
 * Keys are named by fingerprint (`…wxyz#1a2b3c4d`), never by value.
 * @module
 */
import { publish, type LifelineChannelName } from '@lifeline/core';
import type { KeyReason } from './store.js';

/** Name of the channel. */
export const KEY_CHANNEL = 'lifeline:key' satisfies LifelineChannelName;

/** Payload of `lifeline:key`. */
export interface KeyEvent {
  /** `cooling` (a 429), `quarantined` (401/403, exhausted quota), `healthy` (a quarantined key answered its re-check). */
  state: 'cooling' | 'quarantined' | 'healthy';
  /** The adapter's name (the target). */
  provider: string;
  /** The pool's id in its store (the adapter's name unless set). */
  pool: string;
  /** The key's fingerprint. */
  key: string;
  /** Why it was set aside. */
  reason?: KeyReason | undefined;
  /** The HTTP status that set it aside. */
  status?: number | undefined;
  /** Epoch ms when it is back (`cooling`) or re-checked (`quarantined`). */
  until?: number | undefined;
  /** How long that is from now, in ms. */
  durationMs?: number | undefined;
  /** The provider's error (its message never holds a key). */
  error?: unknown;
}

/** Publishes `event` on `lifeline:key` if anyone listens. */
export function publishKeyEvent(event: () => KeyEvent): void {
  publish(KEY_CHANNEL, event);
}

/** A pool's own listeners (`keyPool.onChange`), next to the process-wide channel. */
export class KeyEvents {
  readonly #listeners = new Set<(event: KeyEvent) => void>();

  /** Adds `listener`; returns the unsubscriber. */
  on(listener: (event: KeyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Publishes `event` on `lifeline:key` and to the listeners (built once, only if anyone listens; a listener's failure is ignored). */
  emit(event: () => KeyEvent): void {
    publishKeyEvent(event);
    if (this.#listeners.size === 0) return;
    const e = event();
    for (const listener of this.#listeners) {
      try {
        listener(e);
      } catch {
        // A listener's failure is not the call's.
      }
    }
  }
}
