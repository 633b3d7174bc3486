/**
 * Hostile: a caller aborts while reading a stream (CS2Cap
 * streamPrices, CSBoard downloadSnapshot). README: "A call rejects only with a MarketError (an
 * abort is an AbortedError saying whether the request was sent)".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient, MarketError } from '../../src/index.js';

const CS2CAP_KEY = `sk_live_${'d1'.repeat(16)}`;
const CSBOARD_KEY = `csb_pub_${'e2'.repeat(16)}`;
const cs2capRow = JSON.stringify({ provider: 'steam', item_id: 1, market_hash_name: 'X', lowest_ask: 100, lowest_ask_decimal: '1.00', quantity: 1 });
const csboardRow = JSON.stringify({ market_hash_name: 'X', min_price_usd: 1, qty: 1 });

describe('hostile: aborting or closing while a stream is read', () => {
  let server: http.Server;
  let base: string;
  const open = new Set<http.ServerResponse>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      // One row, then the stream stays open (a slow, long snapshot).
      res.writeHead(200, { 'content-type': 'application/x-ndjson', etag: '"v1"' });
      res.write(`${req.url?.includes('snapshot') ? csboardRow : cs2capRow}\n`);
      open.add(res);
      res.on('close', () => open.delete(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Iterate, run `after` at the first row, and return what the iteration threw (bounded: 4 s). */
  async function firstThenFail(rows: AsyncIterable<unknown>, after: () => void): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<Error>((resolve) => (timer = setTimeout(() => resolve(new Error('HANG: the iteration did not settle within 4 s of the abort')), 4_000)));
    try {
      return await Promise.race([iterate(rows, after), hang]);
    } finally {
      clearTimeout(timer);
    }
  }
  async function iterate(rows: AsyncIterable<unknown>, after: () => void): Promise<unknown> {
    let n = 0;
    try {
      for await (const _ of rows) {
        n += 1;
        if (n === 1) after();
      }
    } catch (e) {
      return e;
    }
    return new Error(`ended without error after ${n} rows`);
  }

  it('CS2Cap streamPrices: an abort mid-stream never settles (no AbortedError, no error at all)', async () => {
    const client = createCs2CapClient({ apiKey: CS2CAP_KEY, baseUrl: base, tier: 'pro' });
    const ac = new AbortController();
    try {
      const s = await client.streamPrices({}, { signal: ac.signal });
      const err = await firstThenFail(s.rows, () => ac.abort());
      expect(err, `${(err as Error).name}: ${(err as Error).message}`).toBeInstanceOf(MarketError);
      expect((err as Error).name).toBe('AbortedError');
    } finally {
      await client.close();
    }
  });

  it('CSBoard downloadSnapshot: an abort mid-stream never settles (no AbortedError, no error at all)', async () => {
    const client = createCsboardClient({ apiKey: CSBOARD_KEY, baseUrl: base });
    const ac = new AbortController();
    try {
      const snap = await client.downloadSnapshot({ signal: ac.signal });
      if (snap.status !== 'ok') throw new Error('expected rows');
      const err = await firstThenFail(snap.rows, () => ac.abort());
      expect(err, `${(err as Error).name}: ${(err as Error).message}`).toBeInstanceOf(MarketError);
      expect((err as Error).name).toBe('AbortedError');
    } finally {
      await client.close();
    }
  });

  it('CS2Cap streamPrices: an abort with a non-Error reason never settles either', async () => {
    const client = createCs2CapClient({ apiKey: CS2CAP_KEY, baseUrl: base, tier: 'pro' });
    const ac = new AbortController();
    try {
      const s = await client.streamPrices({}, { signal: ac.signal });
      const err = await firstThenFail(s.rows, () => ac.abort('user stop'));
      expect(err, `${(err as Error).name}: ${(err as Error).message}`).toBeInstanceOf(MarketError);
    } finally {
      await client.close();
    }
  });
});
