/**
 * An answer on its way into the cache: its entry is serialised at most once, and only when a
 * store or a follower needs it.
 * @module
 */
import { responseJsonOf, type ChatResponse } from '@lifeline/core';
import { type CacheEntry, ENTRY_VERSION } from './entry.js';
import type { Recording } from './replay.js';

/** The fields of an entry after `v`, `kind` and the answer, in the order they are written. */
export interface EntryTail {
  createdAt: number;
  expiresAt: number;
  staleUntil: number;
  provider?: string;
  model?: string;
  costUsd?: number;
}

/**
 * `JSON.stringify(tail)` without its opening brace, written field by field (no generic walk):
 * numbers as JSON writes them (`null` when not finite), strings through `JSON.stringify`.
 */
export function tailJson(tail: EntryTail): string {
  let out = `"createdAt":${num(tail.createdAt)},"expiresAt":${num(tail.expiresAt)},"staleUntil":${num(tail.staleUntil)}`;
  if (tail.provider !== undefined) out += `,"provider":${JSON.stringify(tail.provider)}`;
  if (tail.model !== undefined) out += `,"model":${JSON.stringify(tail.model)}`;
  if (tail.costUsd !== undefined) out += `,"costUsd":${num(tail.costUsd)}`;
  return `${out}}`;
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** An answer about to be stored or handed to followers. */
export interface PendingEntry {
  /**
   * The entry's JSON — exactly `JSON.stringify(entry())` — made on the first call (the answer is
   * captured at that moment) and returned as is afterwards.
   * @throws whatever `JSON.stringify` throws for an answer it cannot serialise
   */
  json(): string;
  /** The entry as an object, for a store without `setSerialized` (it may reference the caller's objects: the store copies it). */
  entry(): CacheEntry;
}

class ResponsePending implements PendingEntry {
  // Plain (not #private) fields: one object per miss, and V8 defines #private fields at a higher cost.
  private _json: string | undefined;
  private readonly _response: ChatResponse;
  private readonly _tail: EntryTail;
  private readonly _vouched: boolean;

  constructor(response: ChatResponse, tail: EntryTail, vouched: boolean) {
    this._response = response;
    this._tail = tail;
    this._vouched = vouched;
  }

  entry(): CacheEntry {
    return { v: ENTRY_VERSION, kind: 'response', response: this._response, ...this._tail };
  }

  /**
   * Spliced (no entry object): the same text as `JSON.stringify(this.entry())`, or, for an answer
   * its adapter stamped with its body text when the caller vouched that nothing changes answers in
   * place, that text in place of the answer's serialisation (the same value once parsed).
   */
  json(): string {
    if (this._json === undefined) {
      const response = this._response;
      // A response with its own toJSON (called with the key "response" inside an entry) takes the plain path.
      if (typeof (response as { toJSON?: unknown }).toJSON === 'function') this._json = JSON.stringify(this.entry());
      else {
        const text = (this._vouched ? responseJsonOf(response) : undefined) ?? JSON.stringify(response);
        this._json = `{"v":${ENTRY_VERSION},"kind":"response","response":${text},${tailJson(this._tail)}`;
      }
    }
    return this._json;
  }
}

class ChunksPending implements PendingEntry {
  #json: string | undefined;
  readonly #recording: Recording;
  readonly #tail: EntryTail;

  constructor(recording: Recording, tail: EntryTail) {
    this.#recording = recording;
    this.#tail = tail;
  }

  entry(): CacheEntry {
    return JSON.parse(this.json()) as CacheEntry;
  }

  /** Spliced from the chunk JSON captured while the stream passed: no chunk is serialised twice. */
  json(): string {
    return (this.#json ??= `{"v":${ENTRY_VERSION},"kind":"chunks","chunks":${this.#recording.json()},${tailJson(this.#tail)}`);
  }
}

/**
 * A JSON answer about to be stored; the response stays the caller's own object until `json()`
 * captures it. `vouched`: the call asked for answers' texts (`RESPONSE_JSON`), so the text its
 * adapter attached (`responseJsonOf`) is written instead of serialising the answer again.
 */
export function pendingResponse(response: ChatResponse, tail: EntryTail, vouched = false): PendingEntry {
  return new ResponsePending(response, tail, vouched);
}

/** A recorded stream about to be stored. */
export function pendingChunks(recording: Recording, tail: EntryTail): PendingEntry {
  return new ChunksPending(recording, tail);
}
