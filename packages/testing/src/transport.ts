/**
 * Ending a response abnormally, on HTTP/1.1 (the connection) or HTTP/2 (the one stream).
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { constants, type Http2ServerResponse } from 'node:http2';

/** A response of either server the mock runs. */
export type AnyResponse = ServerResponse | Http2ServerResponse;

function h2Stream(res: AnyResponse): Http2ServerResponse['stream'] | undefined {
  return (res as Http2ServerResponse).stream;
}

/** Resets at once: a TCP RST on HTTP/1.1, `RST_STREAM` on HTTP/2 (other streams of the connection live on). */
export function resetNow(res: AnyResponse): void {
  const stream = h2Stream(res);
  if (stream) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else (res as ServerResponse).socket?.resetAndDestroy();
}

/** Writes `buf`, then cuts: the connection closes once flushed on HTTP/1.1, the stream is reset once written on HTTP/2. */
export function writeThenCut(res: AnyResponse, buf: string): void {
  const stream = h2Stream(res);
  if (stream) {
    const cut = () => stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    if (buf) stream.write(buf, cut);
    else cut();
    return;
  }
  const h1 = res as ServerResponse;
  if (buf) h1.write(buf);
  h1.socket?.destroySoon();
}
