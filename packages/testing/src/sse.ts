/**
 * Writes a rendered stream to the socket, injecting stream faults: first-token and per-chunk
 * delays, keep-alive comments, a cut, a stall, a garbage event, a missing terminator or an
 * in-band error after `k` content chunks.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { CONTENT, END, META, type StreamRender } from './flavors/flavor.js';
import type { Timers } from './timers.js';
import { writeThenCut } from './transport.js';
import type { StreamFaults } from './types.js';

/**
 * Streams `render.frames` on `res` (whose headers the caller has set) with the given faults.
 * Frames written without a delay in between go out in one write.
 */
export function writeStream(res: ServerResponse, render: StreamRender, faults: StreamFaults, timers: Timers): void {
  const { frames } = render;
  const keepAlive = faults.keepAliveComments
    ? render.comment(typeof faults.keepAliveComments === 'string' ? faults.keepAliveComments : 'keep-alive')
    : '';
  const { cutAfter, stallAfter, errorAfter, malformedAfter, chunkDelayMs } = faults;
  let i = 0;
  let sent = 0;
  let endSeen = false;
  let malformedDone = false;
  let delayed = false;

  /** Applies the boundary faults; returns true when the stream must stop here. */
  const boundary = (buf: string, atEnd: boolean): { stop: boolean; buf: string } => {
    const hit = (k: number | undefined) => k !== undefined && (atEnd || sent >= k);
    if (hit(cutAfter)) {
      writeThenCut(res, buf);
      return { stop: true, buf: '' };
    }
    if (hit(stallAfter)) {
      if (buf) res.write(buf);
      return { stop: true, buf: '' };
    }
    if (hit(errorAfter)) {
      res.end(buf + render.error);
      return { stop: true, buf: '' };
    }
    if (!malformedDone && hit(malformedAfter)) {
      malformedDone = true;
      return { stop: false, buf: buf + render.garbage };
    }
    return { stop: false, buf };
  };

  const pump = (): void => {
    if (res.destroyed) return;
    let buf = '';
    while (i < frames.length) {
      const frame = frames[i]!;
      if (frame.kind === CONTENT || (frame.kind === END && !endSeen)) {
        const b = boundary(buf, frame.kind === END);
        if (b.stop) return;
        buf = b.buf;
      }
      if (frame.kind === CONTENT) {
        if (sent > 0 && chunkDelayMs && !delayed) {
          delayed = true;
          if (buf) res.write(buf);
          timers.after(res, chunkDelayMs, pump);
          return;
        }
        delayed = false;
        sent++;
      } else if (frame.kind !== META) {
        endSeen = true;
      }
      buf += keepAlive + frame.data;
      i++;
    }
    if (!endSeen) {
      // No closing frame (Gemini SSE): faults whose k reaches the end still apply.
      const b = boundary(buf, true);
      if (b.stop) return;
      buf = b.buf;
    }
    res.end(buf);
  };

  res.flushHeaders();
  if (keepAlive) res.write(keepAlive);
  if (faults.firstTokenDelayMs) timers.after(res, faults.firstTokenDelayMs, pump);
  else pump();
}
