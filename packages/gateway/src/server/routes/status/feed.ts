/**
 * `StatusFeed`: what the status page's event stream sends — a snapshot on connect, then only what
 * changed (a target's line, the summary) and each new timeline entry.
 * @module
 */
import type { Meta } from '@lifeline/core';
import type { ServerContext } from '../../context.js';
import { buildStatusState, type StatusState } from './snapshot.js';
import { breakerEvent, callEvents, type NewTimelineEvent, type TimelineEvent } from './timeline.js';
import { keyEvent } from './key-pools.js';

/** Options of {@link StatusFeed}. */
export interface StatusFeedOptions {
  /** Time source. @defaultValue Date.now */
  now?: () => number;
  /** The gateway has no keys (the page says anyone can call it). @defaultValue false */
  authOff?: boolean;
  /** Timeline entries kept. @defaultValue 100 */
  maxEvents?: number;
  /** Changes within this many ms go out together. @defaultValue 200 */
  settleMs?: number;
  /** While someone watches: figures are recomputed this often (the window slides, probes come due), in ms. @defaultValue 5000 */
  tickMs?: number;
}

/** One open event stream: `write` takes SSE text, `end` closes the stream. */
export interface StatusWatcher {
  write(chunk: string): void;
  end(): void;
}

/** The same entry again within this many ms adds to its count instead of a new entry. */
const REPEAT_WINDOW_MS = 60_000;

/** An SSE event. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The status page's live feed. Timeline entries are kept whether anyone watches or not; figures
 * are recomputed only while someone does.
 * @example
 * ```ts
 * const feed = new StatusFeed(ctx);
 * feed.record(meta, 200, 'gpt-4.1');       // after each call
 * const stop = await feed.watch({ write: (s) => res.write(s), end: () => res.end() });
 * ```
 */
export class StatusFeed {
  readonly #ctx: ServerContext;
  readonly #now: () => number;
  readonly #authOff: boolean;
  readonly #maxEvents: number;
  readonly #settleMs: number;
  readonly #tickMs: number;
  readonly #events: TimelineEvent[] = [];
  readonly #watchers = new Set<StatusWatcher>();
  readonly #offBreaker: () => void;
  readonly #offKeys: () => void;
  /** Entries whose count went up since the last refresh. */
  readonly #repeated = new Set<TimelineEvent>();
  #nextId = 1;
  #state: StatusState | undefined;
  #pending: ReturnType<typeof setTimeout> | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(ctx: ServerContext, options: StatusFeedOptions = {}) {
    this.#ctx = ctx;
    this.#now = options.now ?? Date.now;
    this.#authOff = options.authOff ?? false;
    this.#maxEvents = options.maxEvents ?? 100;
    this.#settleMs = options.settleMs ?? 200;
    this.#tickMs = options.tickMs ?? 5_000;
    this.#offBreaker =
      ctx.pipeline.onBreakerChange?.((change) => {
        this.#push(breakerEvent(change, this.#now()));
        this.#schedule();
      }) ?? (() => {});
    this.#offKeys =
      ctx.pipeline.onKeyChange?.((change) => {
        const entry = keyEvent(change, this.#now());
        if (entry) this.#push(entry);
        this.#schedule();
      }) ?? (() => {});
  }

  /** Streams open. */
  get watching(): number {
    return this.#watchers.size;
  }

  /** The timeline, oldest first. */
  timeline(): readonly TimelineEvent[] {
    return this.#events;
  }

  /**
   * Records a finished call: its timeline entries, and fresh figures for the watchers.
   *
   * @param meta - the call's meta
   * @param status - the HTTP status answered
   * @param model - the model asked for
   */
  record(meta: Meta, status: number, model: string | undefined): void {
    const route = model === undefined ? undefined : this.#ctx.pipeline.route(model);
    for (const e of callEvents(meta, status, route, model, this.#now())) this.#push(e);
    this.#schedule();
  }

  /** Brings the state up to date; false when it could never be read (the pipeline's breakers did not answer). */
  async prepare(): Promise<boolean> {
    await this.refresh();
    return this.#state !== undefined;
  }

  /**
   * Adds a watcher: it gets the snapshot (state and timeline) at once, then the changes. Call
   * {@link StatusFeed.prepare} first.
   * @returns the unsubscriber
   * @throws Error when there is no state yet ({@link StatusFeed.prepare} said false)
   */
  async watch(watcher: StatusWatcher): Promise<() => void> {
    await this.refresh();
    if (!this.#state) throw new Error('StatusFeed.watch: no state yet (prepare() said false)');
    watcher.write(`retry: 2000\n\n${sseEvent('snapshot', { ...this.#state, timeline: this.#events })}`);
    this.#watchers.add(watcher);
    this.#tick ??= setInterval(() => this.#onTick(), this.#tickMs).unref();
    return () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size === 0) this.#stopTimers();
    };
  }

  /** Recomputes the state and sends what changed. Concurrent calls share one run (run again once if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#refreshOnce();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Ends every stream and stops listening to the pipeline. */
  close(): void {
    this.#offBreaker();
    this.#offKeys();
    this.#stopTimers();
    for (const w of [...this.#watchers]) w.end();
    this.#watchers.clear();
  }

  async #refreshOnce(): Promise<void> {
    for (const e of this.#repeated) if (this.#events.includes(e)) this.#broadcast(sseEvent('timeline', e));
    this.#repeated.clear();
    let next: StatusState;
    try {
      next = await buildStatusState(this.#ctx, this.#now(), this.#authOff);
    } catch {
      return; // a state store that cannot answer now: keep the last state, try again on the next change or tick
    }
    const prev = this.#state;
    this.#state = next;
    if (!prev) return;
    for (const [name, t] of Object.entries(next.targets)) {
      if (JSON.stringify(t) !== JSON.stringify(prev.targets[name])) this.#broadcast(sseEvent('target', t));
    }
    if (JSON.stringify(next.summary) !== JSON.stringify(prev.summary)) this.#broadcast(sseEvent('summary', next.summary));
  }

  #push(event: NewTimelineEvent): void {
    // A storm of the same failover is one entry with a count (sent again with the next refresh), not one per call.
    const last = this.#events.at(-1);
    if (last && last.kind === event.kind && last.text === event.text && last.model === event.model && event.at - last.at < REPEAT_WINDOW_MS) {
      last.count = (last.count ?? 1) + 1;
      last.at = event.at;
      this.#repeated.add(last);
      this.#schedule();
      return;
    }
    const entry: TimelineEvent = { id: this.#nextId++, ...event };
    this.#events.push(entry);
    if (this.#events.length > this.#maxEvents) this.#events.shift();
    this.#broadcast(sseEvent('timeline', entry));
  }

  #broadcast(chunk: string): void {
    for (const w of this.#watchers) w.write(chunk);
  }

  #schedule(): void {
    if (this.#watchers.size === 0 || this.#pending) return;
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      void this.refresh();
    }, this.#settleMs).unref();
  }

  #onTick(): void {
    this.#ticks++;
    this.#schedule();
    if (this.#ticks % 3 === 0) this.#broadcast(': ping\n\n');
  }

  #stopTimers(): void {
    clearInterval(this.#tick);
    clearTimeout(this.#pending);
    this.#tick = undefined;
    this.#pending = undefined;
  }
}
