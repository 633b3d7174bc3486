import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketClient, InvalidRequestError, type MarketClient } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { CS2CAP_SANDBOX_FX } from '../../providers/cs2cap/sandbox.js';

const ITEM = 'AK-47 | Redline (Field-Tested)';

describe('createMarketClient against the sandbox', () => {
  let sandbox: Sandbox;
  let market: MarketClient;
  beforeAll(async () => {
    sandbox = await startSandbox();
    market = createMarketClient({ env: sandbox.env });
  });
  afterAll(async () => {
    await market.close();
    await sandbox.close();
  });

  it('reads credentials from the environment and exposes the providers', () => {
    expect(market.providers.map((p) => p.id).sort()).toEqual(['cs2cap', 'csboard', 'kalshi']);
    expect(market.kalshi?.has.trading).toBe(true);
  });

  it('includeListings: a row per cheap CSBoard listing, its ask the listing\'s exact price_usd', async () => {
    const c = await market.compare(ITEM, { includeListings: true });
    const listingRows = c.rows.filter((r) => r.venue.startsWith('csboard:'));
    expect(listingRows.length).toBeGreaterThan(0);
    for (const row of listingRows) {
      const listing = sandbox.csboard.server.listings.find((l) => `csboard:${l.id}` === row.venue)!;
      expect(row.ask).toEqual({ currency: 'USD', amount: (listing.cents / 100).toFixed(2) });
      expect(row.askQuantity).toBe('1');
    }
  });

  it('compares both CS2 providers; best prices match the raw sandbox data', async () => {
    const c = await market.compare(ITEM);
    const venues = c.rows.map((r) => r.venue);
    expect(venues).toContain('csboard');
    expect(venues.filter((v) => v !== 'csboard')).toHaveLength(8);
    // Independent expectation from the sandboxes' own records, in cents.
    const cs2capAsks = sandbox.cs2cap.server.prices.filter((p) => p.market_hash_name === ITEM).map((p) => p.ask);
    const csboardAsks = sandbox.csboard.server.listings.filter((l) => l.market_hash_name === ITEM && !l.sold).map((l) => l.cents);
    const bestCents = Math.min(...cs2capAsks, ...csboardAsks);
    expect(c.bestAsk?.ask?.amount).toBe((bestCents / 100).toFixed(2));
    const bids = sandbox.cs2cap.server.prices.filter((p) => p.market_hash_name === ITEM && p.bid !== null).map((p) => p.bid!);
    expect(c.bestBid?.bid?.amount).toBe((Math.max(...bids) / 100).toFixed(2));
    expect(Object.keys(c.errors)).toEqual([]);
    const steam = c.rows.find((r) => r.venue === 'steam')!;
    expect(steam.sellFee).toBe('0.15');
    expect(steam.url).toMatch(/^https:\/\/cs2c\.app\/r\/steam\//);
  });

  it('converts with the provider FX table, exactly', async () => {
    const usd = await market.compare(ITEM);
    const eur = await market.compare(ITEM, { currency: 'EUR' });
    expect(eur.currency).toBe('EUR');
    expect(eur.fx?.source).toBe('cs2cap');
    const rate = CS2CAP_SANDBOX_FX.EUR!;
    const cents = Math.round(Number(usd.bestAsk!.ask!.amount) * 100);
    // round half away from zero of cents × rate, computed in integers
    const expected = Math.round((cents * Math.round(rate * 100)) / 100) / 100;
    expect(eur.bestAsk?.ask).toEqual({ currency: 'EUR', amount: expected.toFixed(2) });
  });

  it('an unknown item is "not found" per provider, not an empty success', async () => {
    const c = await market.compare('Totally Made Up Item (Factory New)');
    expect(c.rows).toHaveLength(0);
    expect(c.errors.cs2cap).toBeInstanceOf(InvalidRequestError);
    expect(c.errors.cs2cap?.code).toBe('not_found');
    expect(c.errors.csboard?.code).toBe('not_found');
  });

  it('a failing provider does not fail the comparison', async () => {
    sandbox.csboard.server.server.inject({ kind: 'status', status: 500, path: '/v1/prices', times: 10, body: { code: 'internal', detail: 'boom' } });
    const c = await market.compare(ITEM);
    sandbox.csboard.server.server.clearFaults();
    expect(c.errors.csboard?.name).toBe('ServerError');
    expect(c.rows.length).toBe(8);
    expect(c.bestAsk).toBeDefined();
  });

  it('fans out in parallel: each provider is asked before the other has answered', async () => {
    sandbox.cs2cap.server.server.inject({ kind: 'latency', delayMs: 300, path: '/v1/prices' });
    sandbox.csboard.server.server.inject({ kind: 'latency', delayMs: 300, path: '/v1/prices' });
    const since = Date.now();
    await market.compare(ITEM);
    const first = (log: { path: string; at: number }[]) => log.find((r) => r.path === '/v1/prices' && r.at >= since)!.at;
    const a = first(sandbox.cs2cap.server.server.requests);
    const b = first(sandbox.csboard.server.server.requests);
    // Both were held 300 ms by the servers, so a sequential client could not start one within 300 ms of the other.
    expect(Math.abs(a - b)).toBeLessThan(300);
  });

  it('quotes() over every provider, Kalshi included', async () => {
    const { quotes, errors } = await market.quotes('KXBTCMAXY-26-T150000', { providers: ['kalshi'] });
    expect(errors).toEqual({});
    expect(quotes[0]).toMatchObject({ venue: 'kalshi', bid: { amount: '0.19' }, ask: { amount: '0.20' } });
  });
});
