import fc from 'fast-check';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createCs2CapClient, QuotaExceededError, type Cs2CapClient, type MarketError, type MarketEvents } from '../../src/index.js';
import { Cs2CapQuotaTracker, QUOTA_RECHECK_MS, readRateHeaders } from '../../providers/cs2cap/quota-status.js';
import { caught, expectNoSecret } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://api.cs2c.app';
const KEY = 'sk_live_quotaHeaderTestKey0123';
const fx = { timestamp: null, rates: { EUR: 0.92 } };
const prices = { meta: { currency: 'USD', filters: {} }, items: [], pagination: { limit: 100, offset: 0, total: 0, has_next: false, has_prev: false } };
const keyInfo = { id: 'k1', key_prefix: 'sk_live_root', is_root_key: true, is_active: true, created_at: '2026-07-01T00:00:00Z', effective_quota_requests_per_month: 1000, effective_rate_requests_per_minute: 20 };
const epochSeconds = (ms: number): string => String(Math.floor(ms / 1000));

describe('cs2cap X-RateLimit-* headers, read defensively', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  const read = (headers: Record<string, string>, method = 'GET', path = '/prices') => readRateHeaders({ method, path, headers }, now);

  it('tells the per-minute window, the monthly quota and the stream quota apart', () => {
    expect(read({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '12' })).toEqual({ scope: 'minute', limit: 100, remaining: 3, resetAtMs: now + 12_000 });
    // The same numbers with Reset as a Unix time (the docs' reading).
    expect(read({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': epochSeconds(now + 12_000) })).toMatchObject({ scope: 'minute', resetAtMs: now + 12_000 });
    expect(read({ 'x-ratelimit-limit': '500000', 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': epochSeconds(now + 6 * 86_400_000) })).toMatchObject({ scope: 'month', remaining: 12 });
    // A child key's monthly quota of 200: the reset, days away, says it is not the minute window.
    expect(read({ 'x-ratelimit-limit': '200', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epochSeconds(now + 6 * 86_400_000) })).toMatchObject({ scope: 'month' });
    expect(read({ 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset': '86399' }, 'POST', '/prices')).toMatchObject({ scope: 'stream', remaining: 49 });
    expect(read({ 'x-ratelimit-limit': '5000000000000', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(now + 5_000) })).toMatchObject({ resetAtMs: now + 5_000 });
  });

  it('never throws, and never reports more left than the limit, whatever the headers say', () => {
    const value = fc.oneof(fc.string(), fc.nat().map(String), fc.double().map(String), fc.constant(''));
    fc.assert(
      fc.property(fc.record({ 'x-ratelimit-limit': value, 'x-ratelimit-remaining': value, 'x-ratelimit-reset': value }, { requiredKeys: [] }), fc.constantFrom('/prices', '/fx'), fc.constantFrom('GET', 'POST'), (h, path, method) => {
        const r = read(h, method, path);
        if (r) {
          expect(r.remaining).toBeLessThanOrEqual(r.limit);
          expect(['minute', 'month', 'stream']).toContain(r.scope);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ignores absent, partial and unreadable headers', () => {
    expect(read({})).toBeUndefined();
    expect(read({ 'x-ratelimit-limit': '100' })).toBeUndefined();
    expect(read({ 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '1' })).toBeUndefined();
    expect(read({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '-1' })).toBeUndefined();
    expect(read({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '150', 'x-ratelimit-reset': 'soon' })).toEqual({ scope: 'minute', limit: 100, remaining: 100, resetAtMs: undefined });
  });
});

describe('a spent quota, taken on the server\'s word for a while', () => {
  const t0 = Date.UTC(2026, 10, 24, 12, 0, 0);
  const spentMonth = { method: 'GET' as const, path: '/fx', auth: true, status: 200, headers: { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epochSeconds(t0 + 7 * 86_400_000) } };
  const refused = (tracker: Cs2CapQuotaTracker, now: number, askAgain = true): boolean => {
    try {
      tracker.check('GET', '/prices', { askAgain, now });
      return false;
    } catch (error) {
      expect(error).toBeInstanceOf(QuotaExceededError);
      return true;
    }
  };

  it('lets one call through every QUOTA_RECHECK_MS, chosen when it is about to be sent', () => {
    const tracker = new Cs2CapQuotaTracker();
    tracker.observe(spentMonth, t0);
    expect(refused(tracker, t0 + 1000)).toBe(true);
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS - 1)).toBe(true);
    // Queued calls may wait for quota; the one that reaches the wire first is the one that asks.
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS, false)).toBe(false);
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS, false)).toBe(false);
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS + 5)).toBe(false);
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS + 6)).toBe(true);
    expect(refused(tracker, t0 + 2 * QUOTA_RECHECK_MS + 5)).toBe(false);
    // Account calls never spend the monthly quota.
    expect(() => tracker.check('GET', '/account/key', { askAgain: true, now: t0 + 1 })).not.toThrow();
  });

  it('a served call clears it (the plan was upgraded); a refused one renews it', () => {
    const tracker = new Cs2CapQuotaTracker();
    tracker.observe(spentMonth, t0);
    tracker.observe({ ...spentMonth, status: 429 }, t0 + QUOTA_RECHECK_MS);
    expect(refused(tracker, t0 + QUOTA_RECHECK_MS + 1)).toBe(true);
    tracker.observe({ method: 'GET', path: '/fx', auth: true, status: 200, headers: {} }, t0 + 2 * QUOTA_RECHECK_MS);
    expect(refused(tracker, t0 + 2 * QUOTA_RECHECK_MS + 1)).toBe(false);
    expect(tracker.status().monthly).toBeUndefined();
    // An account call's answer says nothing of the monthly quota.
    tracker.observe(spentMonth, t0);
    tracker.observe({ method: 'GET', path: '/account/key', auth: true, status: 200, headers: {} }, t0 + 1);
    expect(refused(tracker, t0 + 2)).toBe(true);
  });
});

describe('cs2cap quota headers on the wire', () => {
  let client: Cs2CapClient;
  offlineWireTests(() => client);
  const make = (extra: { tier?: 'free' | 'pro' } = {}) => (client = createCs2CapClient({ apiKey: KEY, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 }, ...extra }));

  it('a 2xx saying the minute window is spent pauses the key until its reset: no 429 is drawn', async () => {
    make({ tier: 'pro' });
    const events: MarketEvents['rateLimited'][] = [];
    client.on('rateLimited', (e) => e.source === 'server' && events.push(e));
    const sentAt: number[] = [];
    nock(BASE).get('/v1/fx').reply(() => (sentAt.push(Date.now()), [200, fx, { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' }]));
    nock(BASE).get('/v1/fx').reply(() => (sentAt.push(Date.now()), [200, fx]));
    await client.getFxRates();
    await client.getFxRates();
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(900);
    expect(events).toEqual([{ provider: 'cs2cap', limitClass: 'default', retryAfterMs: expect.any(Number), source: 'server' }]);
    expect(events[0]!.retryAfterMs).toBeGreaterThan(900);
  });

  it('a 429 without Retry-After waits for the window reset its headers give, not a short backoff', async () => {
    make();
    const sentAt: number[] = [];
    nock(BASE).get('/v1/fx').reply(() => (sentAt.push(Date.now()), [429, { code: 'RATE_LIMIT_EXCEEDED' }, { 'X-RateLimit-Limit': '20', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' }]));
    nock(BASE).get('/v1/fx').reply(() => (sentAt.push(Date.now()), [200, fx]));
    await client.getFxRates();
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(900);
  });

  it('a spent monthly quota fails the next market-data call before sending; account calls still go', async () => {
    make();
    const resetAt = Date.now() + 3_600_000;
    nock(BASE).get('/v1/fx').reply(200, fx, { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': epochSeconds(resetAt), 'X-RateLimit-Tier': 'free' });
    await client.getFxRates();
    expect(client.quotaStatus()).toMatchObject({ tier: 'free', monthly: { limit: 1000, remaining: 0, resetsAt: new Date(Math.floor(resetAt / 1000) * 1000).toISOString() } });
    // No interceptor is left for /v1/prices: had it been sent, nock would fail it as a NetworkError.
    const err = (await caught(client.getPrices({ itemId: 1 }))) as MarketError;
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect(err.message).toMatch(/monthly quota is spent .*nothing was sent/);
    expect(err.retryable).toBe(false);
    expect(err.retryAfterMs).toBeGreaterThan(3_500_000);
    expectNoSecret(err, KEY);
    expectNoSecret(client.quotaStatus(), KEY);
    nock(BASE).get('/v1/account/key').reply(200, { key: keyInfo });
    await client.getKeyInfo();
  });

  it('a monthly quota whose reset has passed, or that has requests left, stops nothing', async () => {
    make();
    nock(BASE).get('/v1/fx').reply(200, fx, { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': epochSeconds(Date.now() - 1000) });
    nock(BASE).get('/v1/fx').reply(200, fx, { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '4', 'X-RateLimit-Reset': epochSeconds(Date.now() + 3_600_000) });
    nock(BASE).get('/v1/fx').reply(200, fx);
    await client.getFxRates();
    await client.getFxRates();
    await client.getFxRates();
    expect(client.quotaStatus().monthly?.remaining).toBe(4);
  });

  it('a monthly-quota 429 is not retried, and the calls after it are not sent', async () => {
    make();
    const headers = { 'X-RateLimit-Limit': '1000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': epochSeconds(Date.now() + 86_400_000) };
    nock(BASE).get('/v1/fx').reply(429, { code: 'RATE_LIMIT_MONTHLY_QUOTA_EXCEEDED', detail: 'Monthly quota exceeded (1000/1000 requests).' }, headers);
    const first = (await caught(client.getFxRates())) as MarketError;
    expect(first).toBeInstanceOf(QuotaExceededError);
    expect(first.status).toBe(429);
    const second = (await caught(client.getFxRates())) as MarketError;
    expect(second).toBeInstanceOf(QuotaExceededError);
    expect(second.status).toBeUndefined();
  });

  it('a spent stream-start quota refuses that stream only', async () => {
    make();
    nock(BASE)
      .post('/v1/prices')
      .reply(200, '', { 'Content-Type': 'application/x-ndjson', 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '3600' });
    const stream = await client.streamPrices();
    for await (const row of stream.rows) expect(row).toBeUndefined();
    expect(client.quotaStatus().streams.prices).toMatchObject({ limit: 50, remaining: 0 });
    expect(client.quotaStatus().monthly).toBeUndefined();
    expect(await caught(client.streamPrices())).toBeInstanceOf(QuotaExceededError);
    nock(BASE).post('/v1/bids').reply(200, '', { 'Content-Type': 'application/x-ndjson' });
    await client.streamBids();
    nock(BASE).get('/v1/prices').query(true).reply(200, prices);
    await client.getPrices({ itemId: 1 });
  });

  // Both stay at Free's 20 a minute: slowed from Pro by the header, or not sped up to Quant by it
  // (a child key may be slower than its tier). At Pro's or Quant's rate a 21st call would be sent.
  for (const [configured, header] of [['pro', 'free'], [undefined, 'quant']] as const) {
    it(`a tier header of ${header} with ${configured ?? 'no'} tier configured leaves the client at 20 a minute`, async () => {
      make(configured ? { tier: configured } : {});
      const local: MarketEvents['rateLimited'][] = [];
      client.on('rateLimited', (e) => e.source === 'local' && local.push(e));
      nock(BASE).get('/v1/fx').times(20).reply(200, fx, { 'X-RateLimit-Tier': header });
      await client.getFxRates();
      await new Promise((resolve) => setTimeout(resolve, 200)); // the limit change is applied asynchronously
      for (let i = 0; i < 19; i += 1) await client.getFxRates();
      expect(local).toEqual([]);
      const controller = new AbortController();
      const interceptor = nock(BASE).get('/v1/fx').reply(200, fx);
      const waiting = client.getFxRates({ signal: controller.signal }).then(
        () => 'sent',
        (error: unknown) => `${(error as Error).name} sent=${String((error as { requestSent?: boolean }).requestSent)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      expect(await waiting).toBe('AbortedError sent=false');
      expect(local).toHaveLength(1);
      expect(interceptor.isDone()).toBe(false);
      nock.cleanAll();
    });
  }
});
