/**
 * CS2Cap market analytics and catalog extras against the sandbox: every figure is checked by
 * hand from the sandbox's prices and from the candles the client itself reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, InvalidRequestError, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { SANDBOX_SHORT_HISTORY } from '../../providers/cs2cap/sandbox-market.js';
import { caught } from '../helpers.js';

describe('cs2cap analytics and catalog against the sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  const rows = (itemId: number) => sandbox.prices.filter((p) => p.item_id === itemId);
  const cents = (n: number): string => (n / 100).toFixed(2);

  beforeAll(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    client = createCs2CapClient({ apiKey: sandbox.createKey('quant'), baseUrl, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('snapshot and item analytics: best ask/bid, spread, supply, marketcap and rank, by hand', async () => {
    const snap = await client.getMarketSnapshot();
    expect(snap.data.items).toHaveLength(sandbox.catalog().length);
    const ranks = snap.data.items.map((i) => i.summary.rank);
    expect(ranks).toEqual(ranks.map((_, i) => i + 1));
    const caps = snap.data.items.map((i) => Number(i.summary.marketcap));
    expect(caps).toEqual([...caps].sort((a, b) => b - a));

    const r = rows(1000);
    const ask = Math.min(...r.map((p) => p.ask));
    const supply = r.reduce((n, p) => n + p.quantity, 0);
    const withBid = r.filter((p) => p.bid !== null);
    const one = await client.getItemAnalytics(1000);
    expect(one.data.summary).toMatchObject({
      provider_count: r.length,
      best_ask_usd: { currency: 'USD', amount: cents(ask) },
      best_bid_usd: { currency: 'USD', amount: cents(Math.max(...withBid.map((p) => p.bid!))) },
      supply,
      marketcap: { currency: 'USD', amount: cents(ask * supply) },
      sales_1d: 4 * 5,
    });
    expect(one.data.summary.avg_spread_pct).toBeCloseTo(withBid.reduce((n, p) => n + ((p.ask - p.bid!) / p.ask) * 100, 0) / withBid.length, 2);
    expect(one.data.summary.best_ask_usd).toEqual({ currency: 'USD', amount: cents(ask) });
    expect(one.data.coverage).toEqual({ provider_count: r.length, providers_with_volume: 4, providers_with_bid_side: withBid.length });
    expect(snap.data.items.find((i) => i.item_id === 1000)!.summary.rank).toBe(one.data.summary.rank);
    expect((await caught(client.getItemAnalytics(999_999)) as InvalidRequestError).status).toBe(404);
  });

  it('indexes add up the marketcaps per group', async () => {
    const snap = await client.getMarketSnapshot();
    const byType = await client.getMarketIndexes();
    const total = snap.data.items.reduce((n, i) => n + Math.round(Number(i.summary.marketcap?.amount) * 100), 0);
    expect(byType.data.total_marketcap_usd).toEqual({ currency: 'USD', amount: cents(total) });
    const weapons = sandbox.catalog().filter((i) => i.item_type === 'Weapon').map((i) => i.item_id);
    const weaponCap = snap.data.items.filter((i) => weapons.includes(i.item_id)).reduce((n, i) => n + Math.round(Number(i.summary.marketcap?.amount) * 100), 0);
    expect(byType.data.groups.find((g) => g.group === 'Weapon')).toMatchObject({ marketcap_usd: { currency: 'USD', amount: cents(weaponCap) }, item_count: weapons.length });
    const byWeapon = await client.getMarketIndexes({ groupBy: 'weapon_type' });
    expect(byWeapon.meta.group_by).toBe('weapon_type');
    expect(byWeapon.data.groups.map((g) => g.group)).toContain('Sniper Rifle');
  });

  it('indicators match the candles the client reads: SMA 20, Bollinger middle, close; a short history is a 422', async () => {
    const candles = await client.getPriceCandles({ itemId: 1001, interval: '1d', lookbackDays: 365, fill: true, currency: 'EUR' });
    const closes = candles.data.map((k) => Number(k.c.amount));
    const sma20 = closes.slice(-20).reduce((a, b) => a + b, 0) / 20;
    const ind = await client.getIndicators({ itemId: 1001, currency: 'EUR' });
    expect(ind.data.coverage.candle_count).toBe(candles.data.length);
    expect(ind.data.momentum.sma_20).toBeCloseTo(sma20, 3);
    expect(ind.data.momentum.bb_middle).toBeCloseTo(sma20, 3);
    expect(ind.data.coverage.sufficient_for).toContain('sma_200');
    const usd = await client.getPriceCandles({ itemId: 1001, interval: '1d', lookbackDays: 365, fill: true });
    expect(ind.data.close_price_usd).toEqual(usd.data.at(-1)!.c);
    SANDBOX_SHORT_HISTORY.add(1002);
    try {
      const err = await caught(client.getIndicators({ itemId: 1002 }));
      expect((err as InvalidRequestError).status).toBe(422);
      expect((err as InvalidRequestError).providerCode).toBe('INSUFFICIENT_DATA');
    } finally {
      SANDBOX_SHORT_HISTORY.delete(1002);
    }
    await expect(client.getIndicators({} as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('deep chart: one daily series per marketplace asked, in the currency, defunct marketplaces on request', async () => {
    const chart = await client.getPriceChart({ itemId: 1000, providers: ['steam', 'csfloat'], lookbackDays: 30, currency: 'GBP' });
    expect(chart.series.map((s) => s.provider)).toEqual(['steam', 'csfloat']);
    for (const s of chart.series) {
      expect(s.data).toHaveLength(30);
      expect(s.data.every((p, i) => i === 0 || p.t - s.data[i - 1]!.t === 86_400)).toBe(true);
      expect(s.data[0]!.price.currency).toBe('GBP');
    }
    const withDefunct = await client.getPriceChart({ itemId: 1000, lookbackDays: 30, includeDefunct: true });
    expect(withDefunct.series.map((s) => s.provider)).toContain('bitskins');
    await expect(client.getPriceChart({ itemId: 1000, lookbackDays: 3, start: '2026-01-01' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('catalog metadata lists each filter value once; images by category in the format asked', async () => {
    const meta = await client.getItemMetadata();
    expect(meta.catalog.total_items).toBe(sandbox.catalog().length);
    expect(meta.filters.wear_name).toEqual([...new Set(sandbox.catalog().map((i) => i.wear_name).filter(Boolean))].sort());
    const images = await client.getImages({ format: 'webp' });
    expect(Object.values(images).flat()).toHaveLength(sandbox.catalog().length);
    expect(Object.values(images).flat().every((u) => u.endsWith('.webp'))).toBe(true);
  });
});
