import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { headerValue, MAX_HEADER_VALUE_LENGTH, safeHeaders } from './header-value.js';

describe('headerValue', () => {
  it('sends printable ASCII without % as is', () => {
    for (const v of ['gpt-4.1', 'primary:claude-sonnet-4.5', 'a b', 'x/y@z', '']) expect(headerValue(v)).toBe(v);
  });

  it.each([
    ['通义千问-max', '%E9%80%9A%E4%B9%89%E5%8D%83%E9%97%AE-max'],
    ['🚀', '%F0%9F%9A%80'],
    ['m\r\nx-a: 1', 'm%0D%0Ax-a%3A%201'],
    ['modèle', 'mod%C3%A8le'],
    ['100%', '100%25'],
    [' padded ', '%20padded%20'],
    ['tab\there', 'tab%09here'],
    ['nul\u0000', 'nul%00'],
    ['bad-\ud800-name', 'bad-%EF%BF%BD-name'],
  ])('percent-encodes %j, and decodeURIComponent gives it back', (raw, encoded) => {
    expect(headerValue(raw)).toBe(encoded);
    expect(decodeURIComponent(encoded)).toBe(raw.replace(/\ud800/, '\ufffd'));
  });

  it('leaves out what would be longer than the limit', () => {
    expect(headerValue('a'.repeat(MAX_HEADER_VALUE_LENGTH))).toHaveLength(MAX_HEADER_VALUE_LENGTH);
    expect(headerValue('a'.repeat(MAX_HEADER_VALUE_LENGTH + 1))).toBeUndefined();
    expect(headerValue('模'.repeat(200))).toBeUndefined();
  });

  it('safeHeaders: Node accepts every value it produces (no throw, no injected header)', async () => {
    const nasty = ['模型-v1', '🚀-model', 'm\r\nx-a: 1', '\u0000\u007f\u0080\u00ff', 'bad-\udc00', 'x'.repeat(5000)];
    const server = createServer((_req, res: ServerResponse) => {
      res.writeHead(200, safeHeaders(Object.fromEntries(nasty.map((v, i) => [`x-v${i}`, v]))));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await res.text()).toBe('ok');
      expect(res.headers.get('x-a')).toBeNull();
      expect(nasty.slice(0, 4).map((_, i) => decodeURIComponent(res.headers.get(`x-v${i}`)!))).toEqual(nasty.slice(0, 4));
      expect(res.headers.get('x-v5')).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
