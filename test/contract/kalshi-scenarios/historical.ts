/**
 * The historical area's part of the contract run: every operation of historical-calls.ts,
 * first over the seeded archive, then — on a market of this scenario's own that A and B trade
 * and that settles, with the cut-off moved past it — over the engine's records (fills, orders,
 * whole-event positions). The cut-off is put back at the end, for the scenarios after this one.
 * Error statuses: 400 bad parameter, 401 unsigned, 404 unknown market.
 */
import { expect } from 'vitest';
import { resetHistoricalCutoff, setHistoricalCutoff } from '../../../providers/kalshi/sandbox-historical.js';
import type { KalshiScenario } from './types.js';

/** An event and market of this scenario's own, settled here (no other scenario trades it). */
const EVENT = 'KXHISTCONTRACT-26';
const MARKET = `${EVENT}-X`;
const C25 = 'KXFEDDECISION-25DEC-C25';

/** The scenario (see the file comment). */
export const scenario: KalshiScenario = {
  name: 'historical',
  async run({ sandbox, client, other, anon, raw }) {
    // ---- the seeded archive ----
    await anon.getHistoricalCutoff();
    expect((await anon.historical.markets({ seriesTicker: 'KXFEDDECISION', limit: 1 })).cursor).toBeTruthy();
    await anon.historical.markets({ tickers: [C25, 'KXMVECROSS-25-S1-A1'] });
    await anon.historical.markets({ mveFilter: 'exclude' });
    expect(await raw('GET', '/historical/markets?event_ticker=KXFEDDECISION-25DEC&series_ticker=KXFEDDECISION', { as: 'none' })).toBe(400);
    expect(await raw('GET', '/historical/markets?mve_filter=only', { as: 'none' })).toBe(400);
    expect((await anon.historical.market(C25)).result).toBe('yes');
    expect(await raw('GET', '/historical/markets/KXNOPE-25-X', { as: 'none' })).toBe(404);
    const day = { start: new Date('2025-12-08T00:00:00Z'), end: new Date('2025-12-09T23:59:59Z') };
    expect(await anon.historical.candlesticks({ ticker: C25, ...day, periodMinutes: 60 })).toHaveLength(3);
    const dayQuery = `start_ts=${day.start.getTime() / 1000}&end_ts=${Math.floor(day.end.getTime() / 1000)}`;
    expect(await raw('GET', `/historical/markets/${C25}/candlesticks?${dayQuery}&period_interval=5`, { as: 'none' })).toBe(400);
    expect(await raw('GET', `/historical/markets/KXNOPE-25-X/candlesticks?${dayQuery}&period_interval=60`, { as: 'none' })).toBe(404);
    expect((await anon.historical.trades({ isBlockTrade: true })).trades).toHaveLength(1);
    await anon.historical.trades({ ticker: C25, limit: 2 });
    expect(await raw('GET', '/historical/trades?min_ts=yesterday', { as: 'none' })).toBe(400);

    // ---- the engine's records, the cut-off moved past them ----
    sandbox.markets.push({ ticker: MARKET, event_ticker: EVENT, title: 'The contract run archives this market', close_time: '2026-12-31T23:59:00Z' });
    sandbox.engine.addMarket({ ticker: MARKET }, Date.now());
    await other.createOrder({ ticker: MARKET, side: 'ask', count: '3', price: '0.40', timeInForce: 'good_till_canceled' });
    await client.createOrder({ ticker: MARKET, side: 'bid', count: '3', price: '0.40', timeInForce: 'immediate_or_cancel' });
    const resting = await client.createOrder({ ticker: MARKET, side: 'bid', count: '1', price: '0.20', timeInForce: 'good_till_canceled' });
    await client.cancelOrder(resting.order_id);
    sandbox.settleMarket(MARKET, 'yes');
    setHistoricalCutoff(sandbox, new Date(Date.now() + 1000));
    try {
      expect((await anon.historical.market(MARKET)).status).toBe('finalized');
      expect((await anon.historical.candlesticks({ ticker: MARKET, start: Math.floor(Date.now() / 1000) - 600, end: Math.floor(Date.now() / 1000) + 60, periodMinutes: 1 })).length).toBeGreaterThan(0);
      expect((await anon.historical.trades({ ticker: MARKET })).trades).toHaveLength(1);
      expect((await client.historical.fills({ ticker: MARKET })).fills).toHaveLength(1);
      await client.historical.fills({ limit: 1, subaccount: 0 });
      expect((await client.historical.orders({ ticker: MARKET })).orders.map((o) => o.status).sort()).toEqual(['canceled', 'executed']);
      await client.historical.orders({ limit: 1, minTs: 0 });
      const positions = await client.historical.positions({ eventTicker: EVENT });
      expect(positions.market_positions.map((p) => p.ticker)).toEqual([MARKET]);
      expect(positions.event_positions.map((p) => p.event_ticker)).toEqual([EVENT]);
      await client.historical.positions({ limit: 1 });
      for (const path of ['/historical/fills', '/historical/orders', '/historical/positions']) expect(await raw('GET', path, { as: 'none' }), path).toBe(401);
      expect(await raw('GET', '/historical/fills?limit=0')).toBe(400);
      expect(await raw('GET', '/historical/orders?max_ts=later')).toBe(400);
      expect(await raw('GET', '/historical/positions?subaccount=64')).toBe(400);
    } finally {
      resetHistoricalCutoff(sandbox);
    }
  },
};
