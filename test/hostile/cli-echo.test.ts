/**
 * Hostile: a CS2Cap server echoes the Bearer key into the data of a 2xx (the venue name of a
 * price row). README: "no key … in any … CLI line … even when a server echoes it". The CLI
 * prints answers as they are, so `marketmux compare` shows the key on stdout.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const KEY = `sk_live_${'f3'.repeat(16)}`;
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

describe('hostile: a key echoed into a 2xx body reaches the CLI output', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const echoed = String(req.headers['authorization'] ?? '').replace(/^Bearer /, '');
      req.resume();
      const common = { provider: echoed, item_id: 1, market_hash_name: 'AK-47 | Redline (Field-Tested)', timestamp: null, last_updated: null };
      const url = req.url ?? '';
      if (url.includes('/prices')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ meta: { currency: 'USD' }, items: [{ ...common, lowest_ask: 1000, lowest_ask_decimal: '10.00', quantity: 1 }], pagination: { limit: 1, has_next: false } }));
      } else if (url.includes('/bids')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ meta: { currency: 'USD' }, items: [{ ...common, highest_bid: 900, highest_bid_decimal: '9.00', num_bids: 1 }], pagination: { limit: 1, has_next: false } }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'NOT_FOUND' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  for (const json of [false, true]) {
    it(`marketmux compare${json ? ' --json' : ''} prints the echoed key`, async () => {
      const args = [CLI, 'compare', 'AK-47 | Redline (Field-Tested)', ...(json ? ['--json'] : [])];
      const out = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, args, { env: { ...cleanEnv, CS2C_API_KEY: KEY, CS2C_API_BASE: base, NO_COLOR: '1' }, timeout: 20_000 }, (_e, stdout, stderr) => resolve({ stdout, stderr }));
      });
      const text = out.stdout + out.stderr;
      expect(text.length).toBeGreaterThan(0);
      expect(text.includes(KEY), text.slice(0, 600)).toBe(false);
    });
  }
});
