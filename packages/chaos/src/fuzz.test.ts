import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenAIError } from './classify.ts';
import { runFuzz } from './fuzz.ts';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts';
import { chaosSeed } from './seed.ts';

const seed = chaosSeed(20_240_601);

describe('fuzzing the gateway input (fast-check)', () => {
  it('never answers 5xx or drops the connection; every 4xx is an OpenAI-shaped error; invalid input is refused', { timeout: 60_000 }, async () => {
    const report = await runFuzz({ runs: 200, seed });
    console.log(`fuzz: seed ${seed}, ${report.runs} inputs, statuses ${JSON.stringify(report.statuses)}`);
    expect(Object.keys(report.statuses).every((s) => Number(s) < 500)).toBe(true);
    expect(report.statuses['200']).toBeGreaterThan(0); // some mutations stay valid and are served
    expect(report.exit).toMatchObject({ exitedOnItsOwn: true, problems: [] });
  });
});

describe('malformed HTTP on a raw socket', () => {
  let gw: GatewayProcess;
  beforeAll(async () => {
    gw = await startGatewayProcess({ server: { logLevel: 'silent' }, providers: { up: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'unused-upstream-key' } }, routes: [{ model: '*', targets: ['up'] }] });
  });
  afterAll(async () => {
    const exit = await gw.close();
    expect(exit).toMatchObject({ exitedOnItsOwn: true, problems: [] });
  });
  const raw = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(gw.url).port), '127.0.0.1', () => socket.write(payload));
      let got = '';
      socket.on('data', (d) => void (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
      socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(payload)}`)));
    });
  const cases = [
    'GARBAGE\r\n\r\n',
    'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
    'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n',
  ];

  it('answers 400 and stays up', async () => {
    for (const payload of cases) expect((await raw(payload)).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
  });

  it('answers malformed HTTP with an OpenAI-shaped error body', async () => {
    const answer = await raw(cases[0]!);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(isOpenAIError(JSON.parse(body))).toBe(true);
  });
});
