/**
 * Every query filter the client sends is honoured by the sandbox: a filter the server
 * ignored would let a client bug (a filter dropped or misnamed on the wire) pass unseen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';

describe('kalshi sandbox filters', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    client = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await client.close();
    await signed.close();
    await sandbox.close();
  });

  it('markets by series_ticker', async () => {
    const page = await client.listMarkets({ seriesTicker: 'KXBTCMAXY' });
    expect(page.markets.map((m) => m.ticker).sort()).toEqual(['KXBTCMAXY-26-T150000', 'KXBTCMAXY-26-T200000']);
  });

  it('markets by min_close_ts and max_close_ts (Date or seconds)', async () => {
    const before = await client.listMarkets({ maxCloseTs: new Date('2026-07-01T00:00:00Z') });
    expect(new Set(before.markets.map((m) => m.event_ticker))).toEqual(new Set(['KXCS2MAJOR-26']));
    const after = await client.listMarkets({ minCloseTs: Date.parse('2026-12-20T00:00:00Z') / 1000 });
    expect(new Set(after.markets.map((m) => m.event_ticker))).toEqual(new Set(['KXBTCMAXY-26']));
    const between = await client.listMarkets({ minCloseTs: new Date('2026-07-01T00:00:00Z'), maxCloseTs: new Date('2026-12-20T00:00:00Z') });
    expect(new Set(between.markets.map((m) => m.event_ticker))).toEqual(new Set(['KXFEDDECISION-26DEC']));
  });

  it('events by series_ticker', async () => {
    const page = await client.listEvents({ seriesTicker: 'KXCS2MAJOR' });
    expect(page.events.map((e) => e.event_ticker)).toEqual(['KXCS2MAJOR-26']);
  });

  it('trades by max_ts and min_ts', async () => {
    const all = await client.listTrades({ ticker: 'KXBTCMAXY-26-T150000' });
    expect(all.trades.length).toBe(5);
    const past = await client.listTrades({ ticker: 'KXBTCMAXY-26-T150000', maxTs: new Date(Date.now() - 3_600_000) });
    expect(past.trades).toEqual([]);
    const future = await client.listTrades({ ticker: 'KXBTCMAXY-26-T150000', minTs: new Date(Date.now() + 3_600_000) });
    expect(future.trades).toEqual([]);
  });

  it('trades by is_block_trade (the sandbox has only book trades)', async () => {
    expect((await client.listTrades({ ticker: 'KXBTCMAXY-26-T150000', isBlockTrade: true })).trades).toEqual([]);
    expect((await client.listTrades({ ticker: 'KXBTCMAXY-26-T150000', isBlockTrade: false })).trades).toHaveLength(5);
  });

  it('positions by event_ticker', async () => {
    await signed.createOrder({ ticker: 'KXBTCMAXY-26-T150000', side: 'bid', count: '1', price: '0.99', timeInForce: 'immediate_or_cancel' });
    await signed.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '1', price: '0.99', timeInForce: 'immediate_or_cancel' });
    const all = await signed.getPositions();
    expect(all.market_positions.map((p) => p.ticker).sort()).toEqual(['KXBTCMAXY-26-T150000', 'KXCS2MAJOR-26-NAVI']);
    const one = await signed.getPositions({ eventTicker: 'KXCS2MAJOR-26' });
    expect(one.market_positions.map((p) => p.ticker)).toEqual(['KXCS2MAJOR-26-NAVI']);
  });
});
