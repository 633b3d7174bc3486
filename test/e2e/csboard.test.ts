import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CapabilityError,
  compareMoney,
  createCsboardClient,
  InvalidRequestError,
  money,
  NetworkError,
  OrderRejectedError,
  PermissionError,
  ResponseShapeError,
  toMinorUnits,
  ValidationError,
  type CsboardClient,
  type CsboardClientOptions,
} from '../../src/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox, type CsboardSandboxOptions } from '../../providers/csboard/sandbox.js';
import { caught, expectNoSecret } from '../helpers.js';

/** Integer cents as the exact USD text Money holds ("14.37"). */
const usdText = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const fast = { retry: { minDelayMs: 10, maxDelayMs: 50 } };
const roomy = { read: { limit: 1000, windowMs: 1000 }, order: { limit: 1000, windowMs: 1000 }, snapshot: { limit: 100, windowMs: 1000 } };

describe('csboard against its sandbox', () => {
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  const clients: CsboardClient[] = [];
  const start = async (options: CsboardSandboxOptions = {}): Promise<void> => {
    // A new sandbox is a new machine to the IP-ban guard, whose unproven-key budget is per process.
    resetAuthGuardState();
    sandbox = new CsboardSandbox({ windowMs: 1000, readLimit: 1000, orderLimit: 1000, snapshotLimit: 100, ...options });
    baseUrl = await sandbox.start();
  };
  const make = (apiKey: string, extra: Partial<CsboardClientOptions> = {}): CsboardClient => {
    const c = createCsboardClient({ apiKey, baseUrl, ...fast, rateLimit: roomy, ...extra });
    clients.push(c);
    return c;
  };
  /** The sandbox's price of a listing, in integer cents. */
  const cents = (id: string): number => sandbox.listings.find((l) => l.id === id)!.cents;
  const posts = (path: string) => sandbox.server.requests.filter((r) => r.method === 'POST' && r.path === path);

  beforeEach(() => start());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  it('refuses a key that is not csb_pub_ without printing it', () => {
    const bad = 'sk_live_definitelyNotCsboard42';
    let err: unknown;
    try {
      createCsboardClient({ apiKey: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expectNoSecret(err, bad);
  });

  it('walks every listing through keyset cursors, with exact prices', async () => {
    const client = make(sandbox.createKey());
    const seen = new Set<string>();
    for await (const l of client.listings({ limit: 200 })) {
      expect(seen.has(l.id)).toBe(false);
      seen.add(l.id);
      // Exact, and only under the wire's name: the sandbox's integer cents, to the cent.
      expect(l.price_usd).toEqual({ currency: 'USD', amount: usdText(cents(l.id)) });
      expect(l).not.toHaveProperty('price');
    }
    expect(seen.size).toBe(600);
    const page = await client.listListings({ wear: 'Factory New', sort: 'price_asc', maxPrice: 100, limit: 50 });
    const prices = page.items.map((i) => toMinorUnits(i.price_usd));
    expect(prices).toEqual([...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(page.items.every((i) => i.wear === 'Factory New' && compareMoney(i.price_usd, money('100', 'USD')) <= 0)).toBe(true);
    for (const r of sandbox.server.requests) expect(r.query).not.toContain('api_key');
  });

  it('availability, prices, currency, balance', async () => {
    const client = make(sandbox.createKey({ balanceUsd: 1240.55, settledUsd: 980.1 }));
    const [first] = (await client.listListings({ limit: 1 })).items;
    const avail = await client.checkAvailability([first!.id, 'itm_0']);
    expect(avail).toEqual({ available: { [first!.id]: 1 }, unavailable_ids: ['itm_0'] });
    let groups = 0;
    for await (const _ of client.prices({ limit: 17 })) groups += 1;
    expect(groups).toBe((await client.health()).groups);
    const fx = await client.getCurrencyRates();
    expect(fx.rates['EUR']).toBe('0.92');
    const balance = await client.getBalance();
    expect(balance).toEqual({
      currency: 'USD',
      balance_usd: { currency: 'USD', amount: '1240.55' },
      trading_enabled: false,
      settled_balance_usd: { currency: 'USD', amount: '980.10' },
      held_usd: { currency: 'USD', amount: '260.45' },
      held_until: expect.any(String),
    });
    await expect(client.checkAvailability(Array.from({ length: 101 }, (_, i) => `itm_${i}`))).rejects.toBeInstanceOf(ValidationError);
  });

  it("a read key's placeOrder is a CapabilityError and the sandbox saw no request", async () => {
    const client = make(sandbox.createKey());
    const [l] = (await client.listListings({ limit: 1 })).items;
    const before = sandbox.server.requests.length;
    const err = await caught(client.placeOrder({ itemIds: [l!.id], maxPriceUsd: 100 }));
    expect(err).toBeInstanceOf(CapabilityError);
    expect(sandbox.server.requests.length).toBe(before);
    expect(client.has.trading).toBe(false);
  });

  it("trading: 'detect' reads the balance once; 403 trading_not_enabled marks the key read-only", async () => {
    const readKey = sandbox.createKey();
    const detect = make(readKey, { trading: 'detect' });
    expect(await caught(detect.placeOrder({ itemIds: ['itm_8840001'], maxPriceUsd: 5 }))).toBeInstanceOf(CapabilityError);
    expect(await caught(detect.claimOrder('ord_X'))).toBeInstanceOf(CapabilityError);
    expect(sandbox.server.requests.filter((r) => r.path === '/v1/balance')).toHaveLength(1);
    expect(posts('/v1/orders')).toHaveLength(0);

    const liar = make(readKey, { trading: true });
    expect(await caught(liar.placeOrder({ itemIds: ['itm_8840001'], maxPriceUsd: 500 }))).toBeInstanceOf(PermissionError);
    expect(await caught(liar.placeOrder({ itemIds: ['itm_8840002'], maxPriceUsd: 500 }))).toBeInstanceOf(CapabilityError);
    expect(posts('/v1/orders')).toHaveLength(1);
  });

  it('validates orders before sending', async () => {
    const client = make(sandbox.createKey({ trading: true }), { trading: true });
    const cases = [
      { itemIds: [], maxPriceUsd: 5 },
      { itemIds: Array.from({ length: 11 }, (_, i) => `itm_${i}`), maxPriceUsd: 5 },
      { itemIds: ['itm_1', 'itm_1'], maxPriceUsd: 5 },
      { itemIds: ['itm_1'] },
      { itemIds: ['itm_1'], maxPriceUsd: null },
      { itemIds: ['itm_1'], maxPriceUsd: 1.005 },
      { itemIds: ['itm_1'], maxPriceUsd: -1 },
    ];
    for (const input of cases) expect(await caught(client.placeOrder(input as never))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests).toHaveLength(0);
  });

  it('buys once when the first answer is lost after the order was made', async () => {
    const key = sandbox.createKey({ trading: true, balanceUsd: 5000 });
    const client = make(key, { trading: true });
    const [l] = (await client.listListings({ limit: 1, sort: 'price_asc' })).items;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/orders' });
    const order = await client.placeOrder({ itemIds: [l!.id], maxPriceUsd: Number(l!.price_usd.amount) });
    expect(posts('/v1/orders')).toHaveLength(2);
    expect(sandbox.orders).toHaveLength(1);
    expect(order.order_id).toBe(sandbox.orders[0]!.order_id);
    expect(order.total_charged_usd).toEqual(l!.price_usd);
    expect(order.items?.[0]?.charged_usd).toEqual(l!.price_usd);
    expect(order.balance_after_usd).toEqual({ currency: 'USD', amount: usdText(500_000 - cents(l!.id)) });
    expect(order).not.toHaveProperty('totalCharged');
    expect(sandbox.keys.get(key)!.account.balanceCents).toBe(500_000 - cents(l!.id));
  });

  it('price_moved and insufficient_balance are OrderRejectedError, never retried', async () => {
    const client = make(sandbox.createKey({ trading: true, balanceUsd: 1 }), { trading: true });
    const [l] = (await client.listListings({ limit: 1, sort: 'price_desc' })).items;
    const moved = (await caught(client.placeOrder({ itemIds: [l!.id], maxPriceUsd: 1 }))) as OrderRejectedError;
    expect(moved).toBeInstanceOf(OrderRejectedError);
    expect(moved.providerCode).toBe('price_moved');
    expect(moved.details).toEqual({ current_total_usd: { currency: 'USD', amount: usdText(cents(l!.id)) } });
    expect(moved.details).not.toHaveProperty('currentTotalUsd');
    const broke = (await caught(client.placeOrder({ itemIds: [l!.id], maxPriceUsd: 1_000_000 }))) as OrderRejectedError;
    expect(broke.providerCode).toBe('insufficient_balance');
    expect(posts('/v1/orders')).toHaveLength(2);
    expect(sandbox.orders).toHaveLength(0);
  });

  it('marketBuy replays through custom_id; orders can be looked up by it', async () => {
    const client = make(sandbox.createKey({ trading: true, balanceUsd: 10_000, settledUsd: 10_000 }), { trading: true });
    const ids = (await client.listListings({ limit: 3, sort: 'price_asc' })).items.map((l) => l.id);
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/market/buy' });
    const res = await client.marketBuy({ itemIds: ids, partner: '447383001', token: 'Ab3xZ9Qp', maxPriceUsd: 10_000, customId: 'batch-1' });
    expect(res.skins).toHaveLength(3);
    expect(res.skins.map((k) => k.price)).toEqual(ids.map((id) => ({ currency: 'USD', amount: usdText(cents(id)) })));
    expect(res.customId).toBe('batch-1');
    expect(sandbox.orders).toHaveLength(1);
    const found = await client.getOrdersInfo({ customIds: ['batch-1'] });
    expect(found.map((o) => o.custom_id)).toEqual(['batch-1']);
    expect((await client.getOrder(found[0]!.order_id)).item_count).toBe(3);
    const all = [];
    for await (const o of client.orders({ limit: 1 })) all.push(o);
    expect(all).toHaveLength(1);
  });

  it('claims a held order: 425 carries hold_until, then claimed', async () => {
    await sandbox.close();
    await start({ holdMs: 700 });
    const client = make(sandbox.createKey({ trading: true, balanceUsd: 100_000 }), { trading: true });
    const held = sandbox.listings.find((l) => l.delivery === 'hold')!;
    const order = await client.placeOrder({ itemIds: [held.id], maxPriceUsd: 100_000 });
    const early = (await caught(client.claimOrder(order.order_id))) as InvalidRequestError;
    expect(early.providerCode).toBe('hold_not_cleared');
    expect(typeof early.details?.hold_until).toBe('string');
    expect(Date.parse(early.details?.hold_until as string)).toBeGreaterThan(Date.now() - 1000);
    expect(early.retryAfterMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, (early.retryAfterMs ?? 0) + 50));
    const claim = await client.claimOrder(order.order_id);
    expect(claim.claimed).toBe(true);
    expect((await caught(client.claimOrder(order.order_id))) as InvalidRequestError).toMatchObject({ providerCode: 'not_claimable' });
  });

  it('a bad key costs one request however many calls fail, and never trips the ban', async () => {
    const bad = `csb_pub_${'x'.repeat(24)}`;
    const client = make(bad);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => client.listListings({ limit: 1 })));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthenticationError)).toBe(true);
    expect(sandbox.server.requests).toHaveLength(1);
    const again = make(bad);
    expect(await caught(again.getBalance())).toBeInstanceOf(AuthenticationError);
    expect(sandbox.server.requests).toHaveLength(1);
    for (const r of results) expectNoSecret((r as PromiseRejectedResult).reason, bad);
  });

  it('after too_many_failed_auth nothing is sent until the ban is over', async () => {
    await sandbox.close();
    await start({ badKeyLimit: 2, banMs: 800 });
    for (let i = 0; i < 3; i++) await caught(make(`csb_pub_bad${i}${'y'.repeat(20)}`).getBalance());
    const good = make(sandbox.createKey());
    const err = (await caught(good.getBalance())) as AuthenticationError;
    expect(err.code).toBe('auth_banned');
    const count = sandbox.server.requests.length;
    const fast2 = (await caught(good.health())) as AuthenticationError;
    expect(fast2.code).toBe('auth_banned');
    expect(fast2.retryAfterMs).toBeGreaterThan(0);
    expect(sandbox.server.requests.length).toBe(count);
    await new Promise((r) => setTimeout(r, (fast2.retryAfterMs ?? 0) + 50));
    await expect(good.getBalance()).resolves.toMatchObject({ currency: 'USD' });
  });

  it('full speed against a short rolling window: no 429, every call resolves', async () => {
    await sandbox.close();
    await start({ readLimit: 10, windowMs: 1000 });
    const client = make(sandbox.createKey(), { rateLimit: { ...roomy, read: { limit: 10, windowMs: 1000 } } });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => client.listListings({ limit: 1 + (i % 5) })));
    expect(results).toHaveLength(40);
    expect(sandbox.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    // Near the allowed rate: the first 10 go at once, each further 10 one window after the
    // answers. A floor against a limiter that stalls (a loaded CI machine answers late); the
    // bench measures the share itself (99% in one process).
    const at = sandbox.server.requests.map((r) => r.at);
    const ideal = (40 / 10 - 1) * 1000;
    expect(ideal / (Math.max(...at) - Math.min(...at))).toBeGreaterThanOrEqual(0.85);
  });

  it('streams a 200,000-row snapshot and answers unchanged to its ETag', async () => {
    await sandbox.close();
    await start({ snapshotRows: 200_000 });
    const client = make(sandbox.createKey());
    const snap = await client.downloadSnapshot();
    expect(snap.status).toBe('ok');
    if (snap.status !== 'ok') return;
    // The cheapest ask of each group, from the sandbox's integer cents.
    const cheapest = new Map<string, number>();
    for (const l of sandbox.listings) {
      if (l.sold) continue;
      const group = `${l.market_hash_name}|${l.wear}|${l.doppler_phase}`;
      cheapest.set(group, Math.min(cheapest.get(group) ?? Infinity, l.cents));
    }
    let rows = 0;
    let bad = 0;
    for await (const row of snap.rows) {
      rows += 1;
      const group = `${row.market_hash_name.replace(/ #\d+$/, '')}|${row.wear}|${row.doppler_phase}`;
      if (row.min_price_usd.amount !== usdText(cheapest.get(group) ?? -1) || 'minPrice' in row) bad += 1;
    }
    expect(rows).toBe(200_000);
    expect(bad).toBe(0);
    const again = await client.downloadSnapshot({ etag: snap.etag });
    expect(again).toEqual({ status: 'unchanged', etag: snap.etag });
  });

  it('a snapshot 429 pauses only the snapshot class', async () => {
    await sandbox.close();
    await start({ snapshotLimit: 1, windowMs: 1500 });
    const client = make(sandbox.createKey(), { rateLimit: { ...roomy, snapshot: { limit: 10, windowMs: 1000 } }, retry: { retries: 0 } });
    const first = await client.downloadSnapshot();
    if (first.status === 'ok') for await (const _ of first.rows);
    const err = await caught(client.downloadSnapshot());
    expect((err as InvalidRequestError).providerCode).toBe('snapshot_rate_limited');
    const t = Date.now();
    await client.getBalance();
    expect(Date.now() - t).toBeLessThan(900);
  });

  it('a truncated gzip snapshot is a typed error, not a short success', async () => {
    await sandbox.close();
    await start({ snapshotRows: 50_000 });
    const client = make(sandbox.createKey());
    sandbox.server.inject({ kind: 'truncate', path: '/v1/prices/snapshot.ndjson.gz', afterBytes: 20_000 });
    const snap = await client.downloadSnapshot();
    if (snap.status !== 'ok') throw new Error('expected rows');
    const err = await caught((async () => {
      for await (const _ of snap.rows);
    })());
    expect(err instanceof NetworkError || err instanceof ResponseShapeError).toBe(true);
  });
});
