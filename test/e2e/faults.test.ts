import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCs2CapClient,
  createCsboardClient,
  createKalshiClient,
  NetworkError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
  type MarketError,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { caught } from '../helpers.js';

const retry = { retries: 3, minDelayMs: 5, maxDelayMs: 20 };

describe('faults across all three providers', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ csboard: { readLimit: 10_000, orderLimit: 10_000, snapshotLimit: 100, windowMs: 1000 }, kalshi: { read: { capacity: 1e6, refillPerSecond: 1e6 }, write: { capacity: 1e6, refillPerSecond: 1e6 } } });
  });
  afterAll(() => sb.close());
  const roomy = { read: { limit: 10_000, windowMs: 1000 }, order: { limit: 10_000, windowMs: 1000 }, snapshot: { limit: 100, windowMs: 1000 } };

  const clients = () => {
    const cs2cap = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, retry, timeoutMs: 400, rateLimit: { default: { limit: 10_000, windowMs: 1000 } } });
    const csboard = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true, retry, timeoutMs: 400, rateLimit: roomy });
    const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl, retry, timeoutMs: 400, rateLimit: { read: { capacity: 1e6, refillPerSecond: 1e6 }, write: { capacity: 1e6, refillPerSecond: 1e6 } } });
    return { cs2cap, csboard, kalshi, close: () => Promise.all([cs2cap.close(), csboard.close(), kalshi.close()]) };
  };
  const reads = (c: ReturnType<typeof clients>) =>
    [
      ['cs2cap', sb.cs2cap.server.server, '/v1/fx', () => c.cs2cap.getFxRates()],
      ['csboard', sb.csboard.server.server, '/v1/balance', () => c.csboard.getBalance()],
      ['kalshi', sb.kalshi.server.server, '/trade-api/v2/portfolio/balance', () => c.kalshi.getBalance()],
    ] as const;

  it('latency spikes below the timeout just slow a call down', async () => {
    const c = clients();
    for (const [, server, path, call] of reads(c)) {
      server.inject({ kind: 'latency', path, delayMs: 200 });
      await expect(call()).resolves.toBeDefined();
    }
    await c.close();
  });

  it('bursts of 502/503/504 on reads are retried', async () => {
    const c = clients();
    for (const [, server, path, call] of reads(c)) {
      for (const status of [502, 503, 504]) server.inject({ kind: 'status', path, status, body: { detail: 'upstream' } });
      await expect(call()).resolves.toBeDefined();
    }
    await c.close();
  });

  it('a server that never answers is a TimeoutError; one that keeps failing is a ServerError', async () => {
    const c = clients();
    for (const [, server, path, call] of reads(c)) {
      server.inject({ kind: 'hang', path, times: 4 });
      expect(await caught(call())).toBeInstanceOf(TimeoutError);
      server.inject({ kind: 'status', path, status: 503, times: 4, body: { detail: 'down' } });
      expect(await caught(call())).toBeInstanceOf(ServerError);
    }
    await c.close();
  });

  it('malformed and truncated bodies: typed errors for the first, retried reads for the second', async () => {
    const c = clients();
    for (const [, server, path, call] of reads(c)) {
      server.inject({ kind: 'malformed', path });
      expect(await caught(call())).toBeInstanceOf(ResponseShapeError);
      server.inject({ kind: 'truncate', path });
      await expect(call()).resolves.toBeDefined();
      server.inject({ kind: 'truncate', path, times: 4 });
      expect(await caught(call())).toBeInstanceOf(NetworkError);
    }
    await c.close();
  });

  it('connections reset before and after a write committed: no order is ever made twice', async () => {
    const c = clients();
    const listings = sb.csboard.server.listings.filter((l) => !l.sold).slice(0, 2);
    sb.csboard.server.server.inject({ kind: 'reset-before', method: 'POST', path: '/v1/orders' });
    sb.csboard.server.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/orders' });
    const before = sb.csboard.server.orders.length;
    const order = await c.csboard.placeOrder({ itemIds: [listings[0]!.id], maxPriceUsd: 100_000 });
    expect(sb.csboard.server.orders.length).toBe(before + 1);
    expect(sb.csboard.server.orders.at(-1)!.order_id).toBe(order.order_id);

    const kalshiBefore = sb.kalshi.server.orders.length;
    sb.kalshi.server.server.inject({ kind: 'reset-before', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    sb.kalshi.server.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    sb.kalshi.server.server.inject({ kind: 'status', status: 503, method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    const k = await c.kalshi.createOrder({ ticker: 'KXCS2MAJOR-26-SPIRIT', side: 'bid', count: '2', price: '0.05', timeInForce: 'good_till_canceled' });
    expect(sb.kalshi.server.orders.length).toBe(kalshiBefore + 1);
    expect(k.order_id).toBe(sb.kalshi.server.orders.at(-1)!.order_id);
    await c.close();
  });

  it('a truncated gzip snapshot and a stalled one fail typed, never as a short success', async () => {
    const c = clients();
    sb.csboard.server.server.inject({ kind: 'truncate', path: '/v1/prices/snapshot.ndjson.gz', afterBytes: 100 });
    const snap = await c.csboard.downloadSnapshot({ etag: undefined });
    if (snap.status !== 'ok') throw new Error('expected rows');
    const err = (await caught((async () => {
      for await (const _ of snap.rows);
    })())) as MarketError;
    expect(err instanceof NetworkError || err instanceof ResponseShapeError).toBe(true);
    await c.close();
  });

  it('the retry budget caps retries in flight across the client', async () => {
    const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl, retry: { retries: 3, minDelayMs: 20, maxDelayMs: 40, maxRetriesInFlight: 2 }, rateLimit: roomy });
    await client.getBalance();
    const server = sb.csboard.server.server;
    server.inject({ kind: 'status', path: '/v1/currency', status: 503, times: 1000, body: { detail: 'down' } });
    const before = server.requests.length;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.getCurrencyRates()));
    server.clearFaults();
    const sent = server.requests.length - before;
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    // Without the budget: 10 × 4 = 40 requests. With 2 retries in flight at most: far fewer.
    expect(sent).toBeGreaterThan(10);
    expect(sent).toBeLessThanOrEqual(10 + 2 * 3);
    await client.close();
  });

  it('a full queue refuses with a typed error; a cancelled queued call never sends', async () => {
    const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl, maxQueued: 3, rateLimit: { ...roomy, read: { limit: 1, windowMs: 800 } } });
    const server = sb.csboard.server.server;
    const before = server.requests.length;
    const first = client.getBalance();
    await first;
    const controller = new AbortController();
    const queued = client.getBalance({ signal: controller.signal });
    const second = client.getBalance();
    const third = client.getBalance();
    const overflow = await caught(client.getBalance());
    expect(overflow).toBeInstanceOf(RateLimitError);
    expect((overflow as RateLimitError).code).toBe('queue_full');
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortedError', code: 'aborted', requestSent: false });
    await Promise.all([second, third]);
    // first, second, third were sent; the cancelled and the refused ones never were.
    expect(server.requests.length - before).toBe(3);
    await client.close();
  });
});
