/**
 * Hostile: two clients on one key in one process, configured differently. README: "Limits are
 * never exceeded: rolling windows and token buckets, in one process or shared through Redis";
 * docs/limits-and-retries.md: a rolling window is "never more than `limit` request starts in
 * any `windowMs`".
 *
 * - The registry shares one limiter per key and class, and a second client's `rateLimit`
 *   replaces the first's (src/limits/registry.ts: `existing.updateSpec(spec)`): the strict
 *   client is silently loosened.
 * - A client with `redis` and one without on the same key get separate limiters (the registry id
 *   ends in ':redis'), so together they send twice the limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, createCs2CapClient } from '../../src/index.js';
import { startRedis } from '../cluster/redis-server.js';

describe('hostile: two clients on one key with different limit settings', () => {
  let server: http.Server;
  let base: string;
  let arrivals: number[] = [];
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      arrivals.push(Date.now());
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'NOT_FOUND' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Fire `n` calls, give them `ms`, abort the rest; how many reached the server. */
  async function burst(call: (signal: AbortSignal) => Promise<unknown>, n: number, ms: number): Promise<void> {
    const ac = new AbortController();
    const calls = Array.from({ length: n }, () => call(ac.signal).catch(() => undefined));
    await new Promise((r) => setTimeout(r, ms));
    ac.abort();
    await Promise.all(calls);
  }

  it('control (holds): the strict client alone sends at most its limit; two local clients share it', async () => {
    arrivals = [];
    const key = `sk_live_${'c3'.repeat(16)}`;
    const strict = createCs2CapClient({ apiKey: key, baseUrl: base, rateLimit: { default: { limit: 3, windowMs: 20_000 } } });
    try {
      await burst((signal) => strict.getPrices({ marketHashName: 'X' }, { signal }), 10, 1_500);
      expect(arrivals.length).toBe(3);
    } finally {
      await strict.close();
    }
    arrivals = [];
    const key2 = `sk_live_${'d4'.repeat(16)}`;
    const rateLimit = { default: { limit: 4, windowMs: 20_000 } };
    const a = createCs2CapClient({ apiKey: key2, baseUrl: base, rateLimit });
    const b = createCs2CapClient({ apiKey: key2, baseUrl: base, rateLimit });
    try {
      await Promise.all([
        burst((signal) => a.getPrices({ marketHashName: 'X' }, { signal }), 6, 1_500),
        burst((signal) => b.getPrices({ marketHashName: 'X' }, { signal }), 6, 1_500),
      ]);
      expect(arrivals.length).toBe(4);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a second client with a looser rateLimit lifts the first client\'s own limit', async () => {
    arrivals = [];
    const key = `sk_live_${'a1'.repeat(16)}`;
    const strict = createCs2CapClient({ apiKey: key, baseUrl: base, rateLimit: { default: { limit: 3, windowMs: 20_000 } } });
    const loose = createCs2CapClient({ apiKey: key, baseUrl: base, rateLimit: { default: { limit: 50, windowMs: 20_000 } } });
    try {
      // Only the strict client sends: its configured limit is 3 per 20 s.
      await burst((signal) => strict.getPrices({ marketHashName: 'X' }, { signal }), 10, 1_500);
      expect(arrivals.length, `the strict client (limit 3 / 20 s) sent ${arrivals.length} in 1.5 s`).toBeLessThanOrEqual(3);
    } finally {
      await Promise.all([strict.close(), loose.close()]);
    }
  });

  it('a Redis client and a local client on the same key in one process: the second is refused, never counted apart', async () => {
    arrivals = [];
    const key = `sk_live_${'b2'.repeat(16)}`;
    const rateLimit = { default: { limit: 4, windowMs: 20_000 } };
    const shared = createCs2CapClient({ apiKey: key, baseUrl: base, rateLimit, redis: { url: redis.url } });
    try {
      expect(() => createCs2CapClient({ apiKey: key, baseUrl: base, rateLimit })).toThrow(ValidationError);
      await burst((signal) => shared.getPrices({ marketHashName: 'X' }, { signal }), 6, 2_000);
      expect(arrivals.length, `one key (limit 4 / 20 s) saw ${arrivals.length} requests in 2 s`).toBeLessThanOrEqual(4);
    } finally {
      await shared.close();
    }
  });
});
