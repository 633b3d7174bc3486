/**
 * A hostile server (or proxy) that echoes every credential it receives — the Bearer keys, the
 * Kalshi key id and each request's signature — into every channel a server has: request-id
 * headers, the body's code, message and detail fields, nested details, and a 2xx's headers.
 * No secret may come out of any error field, event, compare() result or CLI line.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient, createKalshiClient, createMarketClient, generateRsaKeyPair } from '../../src/index.js';
import { caught, collectEvents, renderings } from '../helpers.js';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

const CS2CAP_KEY = `sk_live_${'e1'.repeat(16)}`;
const CSBOARD_KEY = `csb_pub_${'f2'.repeat(16)}`;
const KALSHI_KEY_ID = 'a3c4e5f6-0000-4000-8000-echoedkeyid1';

describe('hostile: a server that echoes every secret through every channel', () => {
  let server: http.Server;
  let base: string;
  let status = 400;
  /** Every credential value the server received (signatures differ per attempt). */
  const received = new Set<string>();
  let privateKeyPem = '';

  beforeAll(async () => {
    privateKeyPem = (await generateRsaKeyPair({ bits: 2048 })).privateKeyPem;
    server = http.createServer((req, res) => {
      const creds = ['authorization', 'kalshi-access-key', 'kalshi-access-signature']
        .map((h) => req.headers[h])
        .filter((v): v is string => typeof v === 'string');
      for (const c of creds) received.add(c.replace(/^Bearer /, ''));
      const all = creds.join(' | ');
      const echo = { 'x-request-id': all, 'request-id': creds.at(-1) ?? '', 'cf-ray': creds[0] ?? '', 'x-amzn-requestid': all, 'retry-after': '0' };
      req.resume();
      if (status === 200) {
        res.writeHead(200, { 'content-type': 'application/json', ...echo });
        res.end(JSON.stringify({ [all]: all, note: all }));
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...echo });
      res.end(
        JSON.stringify({
          code: all,
          detail: `refused ${all}`,
          message: all,
          msg: all,
          error: { code: all, message: all, details: all },
          details: { [all]: all, nested: [all] },
          current_total_usd: all,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const secretsNow = (): string[] => {
    const pemBody = privateKeyPem.split('\n').slice(1, -2).join('');
    return [CS2CAP_KEY, CSBOARD_KEY, KALSHI_KEY_ID, pemBody.slice(0, 64), pemBody.slice(-64), ...received];
  };
  const expectClean = (label: string, value: unknown): void => {
    const text = renderings(value);
    for (const secret of secretsNow()) expect(text.includes(secret), `${label} leaked ${secret.slice(0, 12)}…`).toBe(false);
  };

  it('errors, their every field, events and compare() hold none of them', async () => {
    const { seen, on } = collectEvents();
    const retry = { retries: 1, minDelayMs: 1, maxDelayMs: 5 };
    const cs2cap = createCs2CapClient({ apiKey: CS2CAP_KEY, baseUrl: `${base}/v1`, on, retry });
    const csboard = createCsboardClient({ apiKey: CSBOARD_KEY, baseUrl: `${base}/v1`, trading: true, on, retry });
    const kalshi = createKalshiClient({ keyId: KALSHI_KEY_ID, privateKeyPem, baseUrl: `${base}/trade-api/v2`, on, retry });
    const errors: [string, unknown][] = [];
    for (const s of [400, 403, 409, 422, 429, 500, 503, 200]) {
      status = s;
      errors.push([`cs2cap ${s}`, await caught(cs2cap.getFxRates())]);
      errors.push([`kalshi ${s}`, await caught(kalshi.getBalance())]);
      errors.push([`kalshi order ${s}`, await caught(kalshi.createOrder({ ticker: 'KXTEST-26', side: 'bid', count: '1', price: '0.50', timeInForce: 'good_till_canceled' }))]);
    }
    // CSBoard stops using a key after a 401 and serializes unproven keys: give it its own run.
    for (const s of [400, 409, 503, 200]) {
      status = s;
      errors.push([`csboard ${s}`, await caught(csboard.getBalance())]);
    }
    status = 401;
    errors.push(['csboard 401', await caught(csboard.getBalance())]);

    status = 400;
    const market = createMarketClient({ env: { CS2C_API_KEY: CS2CAP_KEY, CS2C_API_BASE: `${base}/v1`, CSBOARD_API_KEY: `csb_pub_${'9a'.repeat(16)}`, CSBOARD_API_BASE: `${base}/v1` } });
    const comparison = await market.compare('AK-47 | Redline (Field-Tested)');
    expect(Object.keys(comparison.errors).sort()).toEqual(['cs2cap', 'csboard']);

    expect(received.size).toBeGreaterThan(10);
    for (const [label, error] of errors) {
      expect(error, label).toBeInstanceOf(Error);
      expectClean(label, error);
    }
    expectClean('events', seen);
    expect(seen.some((e) => (e as { requestId?: string }).requestId?.includes('[redacted]'))).toBe(true);
    expectClean('compare()', comparison);
    for (const object of [cs2cap, csboard, kalshi, market]) expectClean('client', object);
    await Promise.all([cs2cap.close(), csboard.close(), kalshi.close(), market.close()]);
  });

  it('no CLI line, with --debug, holds one', async () => {
    status = 400;
    const env = {
      ...cleanEnv,
      CS2C_API_KEY: CS2CAP_KEY,
      CS2C_API_BASE: `${base}/v1`,
      CSBOARD_API_KEY: CSBOARD_KEY,
      CSBOARD_API_BASE: `${base}/v1`,
      KALSHI_API_KEY_ID: KALSHI_KEY_ID,
      KALSHI_PRIVATE_KEY: privateKeyPem.replace(/\n/g, '\\n'),
      KALSHI_API_BASE: `${base}/trade-api/v2`,
    };
    const lines: string[] = [];
    for (const args of [['health', '--debug'], ['keys', 'info', '--debug'], ['kalshi', 'balance', '--debug'], ['compare', 'AK-47 | Redline (Field-Tested)', '--debug', '--json']]) {
      const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, out: stdout + stderr }));
      });
      expect(code, args.join(' ')).toBe(1);
      lines.push(out);
    }
    expect(lines.join('\n')).toMatch(/\[redacted\]/);
    expectClean('CLI', lines.join('\n'));
  });
});
