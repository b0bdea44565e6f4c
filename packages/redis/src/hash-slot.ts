/**
 * The Redis Cluster hash slot of a key (CRC16/XMODEM of the key, or of its `{hash tag}`, mod
 * 16384), exactly as the server computes it (`CLUSTER KEYSLOT`): the connection uses it to tell
 * which shard a call goes to, tests use it to check that keys spread.
 * @module
 */

/** Slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

const encoder = new TextEncoder();

/**
 * The hash slot of `key`: only the part between the first `{` and the next `}` is hashed when
 * that part is not empty (a hash tag), else the whole key.
 *
 * @param key - a Redis key
 * @returns 0…16383
 * @example
 * ```ts
 * hashSlot('lifeline:budget:v2:{abc}:day:2026-11-24') === hashSlot('{abc}'); // true
 * ```
 */
export function hashSlot(key: string): number {
  const bytes = encoder.encode(key);
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes, 0, bytes.length) % CLUSTER_SLOTS;
}
