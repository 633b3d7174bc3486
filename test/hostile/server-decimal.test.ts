/**
 * Hostile: a CS2Cap answer whose decimal price passes the response schema (`^[+-]?\d*\.?\d*$`
 * accepts "1.", ".5", "." and "-") but not the money parser. The call was sent and answered,
 * yet it fails with a ValidationError — which docs/errors.md defines as "a bad input, refused
 * before sending … nothing was sent" — instead of a ResponseShapeError naming the field.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, ResponseShapeError } from '../../src/index.js';
import { caught } from '../helpers.js';

const KEY = `sk_live_${'c9'.repeat(16)}`;
const row = (decimal: string) => ({
  provider: 'steam',
  item_id: 1,
  market_hash_name: 'AK-47 | Redline (Field-Tested)',
  lowest_ask: 1000,
  lowest_ask_decimal: decimal,
  quantity: 3,
  timestamp: null,
  last_updated: null,
});

describe('hostile: a decimal the schema accepts and the money parser refuses', () => {
  let server: http.Server;
  let base: string;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests += 1;
      req.resume();
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.end(`${JSON.stringify(row('2.50'))}\n${JSON.stringify(row('1.'))}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ meta: { currency: 'USD' }, items: [row('.5')], pagination: { limit: 1, has_next: false } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('getPrices: a sent and answered call rejects with ValidationError, not ResponseShapeError', async () => {
    const client = createCs2CapClient({ apiKey: KEY, baseUrl: base });
    try {
      const before = requests;
      const err = await caught(client.getPrices({ marketHashName: 'AK-47 | Redline (Field-Tested)' }));
      expect(requests - before).toBe(1); // it was sent
      expect((err as Error).name, (err as Error).message).toBe('ResponseShapeError');
      expect(err).toBeInstanceOf(ResponseShapeError);
    } finally {
      await client.close();
    }
  });

  it('streamPrices: a streamed row fails the iteration with ValidationError, not ResponseShapeError', async () => {
    const client = createCs2CapClient({ apiKey: KEY, baseUrl: base, tier: 'pro' });
    try {
      const s = await client.streamPrices();
      const seen: unknown[] = [];
      let err: unknown;
      try {
        for await (const r of s.rows) seen.push(r);
      } catch (e) {
        err = e;
      }
      expect(seen.length).toBe(1);
      expect((err as Error | undefined)?.name, (err as Error | undefined)?.message).toBe('ResponseShapeError');
    } finally {
      await client.close();
    }
  });
});
