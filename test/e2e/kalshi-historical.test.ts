/**
 * The historical calls (providers/kalshi/historical-calls.ts) against the sandbox: the seeded
 * archive before the cut-off (markets, trades, candles checked by hand), and — once a test
 * moves the cut-off past what a user did — the matching engine's own records: markets it
 * settled, its trades, the user's fills and finished orders, and positions of whole settled
 * events, each equal to what the live routes said of the same records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, ValidationError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { historicalCutoff, resetHistoricalCutoff, setHistoricalCutoff } from '../../providers/kalshi/sandbox-historical.js';
import { caught } from '../helpers.js';

const at = (iso: string): number => Date.parse(iso) / 1000;
const DEFAULT_CUTOFF = '2026-01-01T00:00:00.000Z';

describe('kalshi historical calls against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let anon: KalshiClient;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    anon = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await anon.close();
    await signed.close();
    await sandbox.close();
  });
  const last = () => sandbox.server.requests.at(-1)!;

  describe('the seeded archive, before the cut-off', () => {
    it('the cut-off: the core sandbox\'s answer, field for field, until a test moves it', async () => {
      expect(await anon.getHistoricalCutoff()).toEqual({ market_settled_ts: '2026-01-01T00:00:00Z', trades_created_ts: '2026-01-01T00:00:00Z', orders_updated_ts: '2026-01-01T00:00:00Z' });
    });

    it('markets settled before it: newest settlement first, each filter, paging, one by ticker', async () => {
      const tickers = async (q: Parameters<KalshiClient['historical']['markets']>[0]) => (await anon.historical.markets(q)).markets.map((m) => m.ticker);
      expect(await tickers({})).toEqual(['KXMVECROSS-25-S1-A1', 'KXBTCMAXY-25-T150000', 'KXFEDDECISION-25DEC-C25', 'KXFEDDECISION-25DEC-H0']);
      expect(await tickers({ tickers: ['KXFEDDECISION-25DEC-H0', 'KXBTCMAXY-25-T150000'] })).toEqual(['KXBTCMAXY-25-T150000', 'KXFEDDECISION-25DEC-H0']);
      expect(decodeURIComponent(last().query)).toBe('?tickers=KXFEDDECISION-25DEC-H0,KXBTCMAXY-25-T150000');
      expect(await tickers({ eventTicker: 'KXFEDDECISION-25DEC' })).toEqual(['KXFEDDECISION-25DEC-C25', 'KXFEDDECISION-25DEC-H0']);
      expect(await tickers({ seriesTicker: 'KXBTCMAXY' })).toEqual(['KXBTCMAXY-25-T150000']);
      expect(await tickers({ mveFilter: 'exclude' })).not.toContain('KXMVECROSS-25-S1-A1');
      expect(await tickers({ mveFilter: 'exclude', seriesTicker: 'KXMVECROSS' })).toEqual([]);
      const paged: string[] = [];
      for await (const m of anon.historical.allMarkets({ limit: 3 })) paged.push(m.ticker);
      expect(paged).toHaveLength(4);
      const c25 = await anon.historical.market('KXFEDDECISION-25DEC-C25');
      expect(c25).toMatchObject({ status: 'finalized', result: 'yes', settlement_value_dollars: '1.0000', settlement_ts: '2025-12-10T21:00:00.000Z', last_price_dollars: '0.8500', volume_fp: '537.50' });
      // The live markets are not archived: not found here, and the archived ones are not live.
      expect(await caught(anon.historical.market('KXFEDDECISION-26DEC-C25'))).toMatchObject({ status: 404 });
      expect(await caught(anon.getMarket('KXFEDDECISION-25DEC-C25'))).toMatchObject({ status: 404 });
      expect(await caught(anon.historical.markets({ tickers: ['KXBTCMAXY-25-T150000'], seriesTicker: 'KXBTCMAXY' }))).toBeInstanceOf(ValidationError);
    });

    it('candles from the archived trades, checked by hand', async () => {
      const minutes = await anon.historical.candlesticks({ ticker: 'KXFEDDECISION-25DEC-C25', start: new Date('2025-12-08T10:00:00Z'), end: new Date('2025-12-08T10:05:00Z'), periodMinutes: 1 });
      expect(last().query).toBe(`?start_ts=${at('2025-12-08T10:00:00Z')}&end_ts=${at('2025-12-08T10:05:00Z')}&period_interval=1`);
      // 10:00:00 at 0.62 ×10 and 10:00:30 at 0.64 ×5 → the minute ending 10:01; 10:01:10 at 0.61 ×2.5 → the one ending 10:02.
      expect(minutes).toEqual([
        {
          end_period_ts: at('2025-12-08T10:01:00Z'), yes_bid: { open: '0.0000', low: '0.0000', high: '0.0000', close: '0.0000' }, yes_ask: { open: '1.0000', low: '1.0000', high: '1.0000', close: '1.0000' },
          // (0.62 × 10 + 0.64 × 5) / 15 = 0.6266666… → 0.626667.
          price: { open: '0.6200', low: '0.6200', high: '0.6400', close: '0.6400', mean: '0.626667', previous: null }, volume: '15.00', open_interest: '0.00',
        },
        {
          end_period_ts: at('2025-12-08T10:02:00Z'), yes_bid: { open: '0.0000', low: '0.0000', high: '0.0000', close: '0.0000' }, yes_ask: { open: '1.0000', low: '1.0000', high: '1.0000', close: '1.0000' },
          price: { open: '0.6100', low: '0.6100', high: '0.6100', close: '0.6100', mean: '0.6100', previous: '0.6400' }, volume: '2.50', open_interest: '0.00',
        },
      ]);
      const hours = await anon.historical.candlesticks({ ticker: 'KXFEDDECISION-25DEC-C25', start: at('2025-12-08T00:00:00Z'), end: at('2025-12-08T23:59:59Z'), periodMinutes: 60 });
      expect(hours.map((c) => [c.end_period_ts, c.price.open, c.price.high, c.price.low, c.price.close, c.price.previous, c.volume])).toEqual([
        [at('2025-12-08T11:00:00Z'), '0.6200', '0.6400', '0.6100', '0.6100', null, '17.50'],
        [at('2025-12-08T12:00:00Z'), '0.7000', '0.7000', '0.7000', '0.7000', '0.6100', '20.00'],
      ]);
      // A start after the first trade: that trade is out, and is the previous price.
      const late = await anon.historical.candlesticks({ ticker: 'KXFEDDECISION-25DEC-C25', start: at('2025-12-08T10:00:30Z'), end: at('2025-12-08T10:00:59Z'), periodMinutes: 1 });
      expect(late.map((c) => [c.price.open, c.price.previous, c.volume])).toEqual([['0.6400', '0.6200', '5.00']]);
      expect(await caught(anon.historical.candlesticks({ ticker: 'KXFEDDECISION-26DEC-C25', start: 0, end: 1, periodMinutes: 1 }))).toMatchObject({ status: 404 });
    });

    it('trades before it: newest first, block-trade filter, ticker, time range (Dates), paging; live trades stay out', async () => {
      const all = (await anon.historical.trades()).trades;
      expect(all).toHaveLength(10);
      expect(all[0]).toMatchObject({ ticker: 'KXBTCMAXY-25-T150000', created_time: '2025-12-30T22:15:00.000Z', yes_price_dollars: '0.0200', no_price_dollars: '0.9800', taker_outcome_side: 'no', taker_book_side: 'ask', is_block_trade: false });
      expect(all.every((t) => Date.parse(t.created_time) < Date.parse(DEFAULT_CUTOFF))).toBe(true);
      const block = (await anon.historical.trades({ isBlockTrade: true })).trades;
      expect(block.map((t) => [t.ticker, t.count_fp, t.is_block_trade])).toEqual([['KXFEDDECISION-25DEC-C25', '500.00', true]]);
      expect((await anon.historical.trades({ isBlockTrade: false })).trades).toHaveLength(9);
      expect((await anon.historical.trades({ ticker: 'KXFEDDECISION-25DEC-H0' })).trades.map((t) => t.yes_price_dollars)).toEqual(['0.1800', '0.3300']);
      const range = (await anon.historical.trades({ minTs: new Date('2025-12-09T00:00:00Z'), maxTs: new Date('2025-12-09T15:00:00Z') })).trades;
      expect(last().query).toBe(`?min_ts=${at('2025-12-09T00:00:00Z')}&max_ts=${at('2025-12-09T15:00:00Z')}`);
      expect(range.map((t) => t.created_time)).toEqual(['2025-12-09T15:00:00.000Z', '2025-12-09T09:00:00.000Z']);
      const ids: string[] = [];
      for await (const t of anon.historical.allTrades({ limit: 3 })) ids.push(t.trade_id);
      expect(ids).toEqual(all.map((t) => t.trade_id));
    });

    it('your fills, orders and positions: signed, and empty while nothing you did is older than the cut-off', async () => {
      expect(await caught(anon.historical.fills())).toBeInstanceOf(CapabilityError);
      expect(await caught(anon.historical.orders())).toBeInstanceOf(CapabilityError);
      expect(await caught(anon.historical.positions())).toBeInstanceOf(CapabilityError);
      await signed.createOrder({ ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '1', price: '0.06', timeInForce: 'immediate_or_cancel' });
      expect((await signed.getFills()).fills).toHaveLength(1);
      expect((await signed.historical.fills()).fills).toEqual([]);
      expect((await signed.historical.orders()).orders).toEqual([]);
      expect(await signed.historical.positions()).toEqual({ market_positions: [], event_positions: [], cursor: '' });
    });
  });

  describe('the engine\'s records, once the cut-off moves past them', () => {
    let navi: { orderId: string };
    let canceled: string;
    let liveBefore: Awaited<ReturnType<KalshiClient['getFills']>>["fills"];
    let livePositionsBefore: Awaited<ReturnType<KalshiClient['getPositions']>>['market_positions'];
    let resting: string;
    beforeAll(async () => {
      // Buy 10 NAVI YES at the ask (0.16), cancel a resting bid, leave one resting, buy 1 Fed cut YES.
      const bought = await signed.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '10', price: '0.16', timeInForce: 'immediate_or_cancel' });
      navi = { orderId: bought.order_id };
      canceled = (await signed.createOrder({ ticker: 'KXCS2MAJOR-26-VITALITY', side: 'bid', count: '5', price: '0.10', timeInForce: 'good_till_canceled' })).order_id;
      await signed.cancelOrder(canceled);
      resting = (await signed.createOrder({ ticker: 'KXFEDDECISION-26DEC-H0', side: 'bid', count: '2', price: '0.30', timeInForce: 'good_till_canceled' })).order_id;
      await signed.createOrder({ ticker: 'KXFEDDECISION-26DEC-C25', side: 'bid', count: '1', price: '0.44', timeInForce: 'immediate_or_cancel' });
      // The whole CS2 event settles; of the Fed event only one market.
      sandbox.settleMarket('KXCS2MAJOR-26-NAVI', 'yes');
      sandbox.settleMarket('KXCS2MAJOR-26-VITALITY', 'no');
      sandbox.settleMarket('KXCS2MAJOR-26-SPIRIT', 'no');
      sandbox.settleMarket('KXFEDDECISION-26DEC-C25', 'no');
      liveBefore = (await signed.getFills()).fills;
      livePositionsBefore = (await signed.getPositions()).market_positions;
    });

    it('before the move the archive holds none of it; after, the cut-off answers the new time', async () => {
      expect((await anon.historical.markets()).markets).toHaveLength(4);
      expect((await signed.historical.fills()).fills).toEqual([]);
      const moved = new Date(Date.now() + 1000);
      setHistoricalCutoff(sandbox, moved);
      expect(historicalCutoff(sandbox).tradesCreated).toBe(moved.getTime());
      const cutoff = await anon.getHistoricalCutoff();
      expect(Object.keys(cutoff).sort()).toEqual(['market_positions_last_updated_ts', 'market_settled_ts', 'orders_updated_ts', 'trades_created_ts']);
      expect(Object.values(cutoff).map((t) => Date.parse(t!))).toEqual([moved.getTime(), moved.getTime(), moved.getTime(), moved.getTime()]);
    });

    it('markets the engine settled, with their result, last price and volume', async () => {
      const archived = (await anon.historical.markets()).markets.map((m) => m.ticker);
      expect(archived).toHaveLength(8);
      expect(archived).toEqual(expect.arrayContaining(['KXCS2MAJOR-26-NAVI', 'KXCS2MAJOR-26-VITALITY', 'KXCS2MAJOR-26-SPIRIT', 'KXFEDDECISION-26DEC-C25']));
      const m = await anon.historical.market('KXCS2MAJOR-26-NAVI');
      // Five seeded trades of 1–5 contracts at 0.15, then the user's 10 at 0.16.
      expect(m).toMatchObject({ event_ticker: 'KXCS2MAJOR-26', status: 'finalized', result: 'yes', settlement_value_dollars: '1.0000', last_price_dollars: '0.1600', volume_fp: '25.00' });
      expect((await anon.historical.markets({ eventTicker: 'KXCS2MAJOR-26' })).markets).toHaveLength(3);
      expect(await caught(anon.historical.market('KXFEDDECISION-26DEC-H0'))).toMatchObject({ status: 404 });
    });

    it('candles of an engine market equal the live route\'s for the same trades', async () => {
      const nowS = Math.floor(Date.now() / 1000);
      const range = { start: nowS - 3600, end: nowS + 60, periodMinutes: 1 as const };
      const live = await anon.getCandlesticks({ ...range, seriesTicker: 'KXCS2MAJOR', ticker: 'KXCS2MAJOR-26-NAVI' });
      const archived = await anon.historical.candlesticks({ ...range, ticker: 'KXCS2MAJOR-26-NAVI' });
      expect(archived.length).toBeGreaterThan(0);
      expect(archived.map((c) => [c.end_period_ts, c.price.open, c.price.high, c.price.low, c.price.close, c.volume])).toEqual(
        live.map((c) => [c.end_period_ts, c.price.open_dollars, c.price.high_dollars, c.price.low_dollars, c.price.close_dollars, c.volume_fp]),
      );
      const volume = sandbox.engine.trades('KXCS2MAJOR-26-NAVI').reduce((s, t) => s + Number(t.count), 0);
      expect(archived.reduce((s, c) => s + Number(c.volume), 0)).toBe(volume);
    });

    it('trades and fills are the engine\'s, the same the live routes listed', async () => {
      const engineIds = sandbox.engine.trades('KXCS2MAJOR-26-NAVI').map((t) => t.tradeId).reverse();
      expect((await anon.historical.trades({ ticker: 'KXCS2MAJOR-26-NAVI' })).trades.map((t) => t.trade_id)).toEqual(engineIds);
      // Fills before the cut-off moved from the live list to the archive, in the same order.
      expect(liveBefore.length).toBeGreaterThan(0);
      expect((await signed.getFills()).fills).toEqual([]);
      const live = liveBefore;
      const archived: string[] = [];
      for await (const f of signed.historical.allFills({ limit: 2 })) archived.push(f.fill_id);
      expect(archived).toEqual(live.map((f) => f.fill_id));
      const naviFills = (await signed.historical.fills({ ticker: 'KXCS2MAJOR-26-NAVI' })).fills;
      expect(naviFills.map((f) => [f.order_id, f.count_fp, f.yes_price_dollars, f.is_taker, f.exchange_index])).toEqual([[navi.orderId, '10.00', '0.1600', true, 0]]);
      expect((await signed.historical.fills({ subaccount: 1 })).fills).toEqual([]);
      expect((await signed.historical.fills({ subaccount: 0 })).fills).toHaveLength(live.length);
      expect((await signed.historical.fills({ minTs: new Date(Date.now() + 60_000) })).fills).toEqual([]);
    });

    it('orders: the canceled and executed ones, never a resting one', async () => {
      const orders = (await signed.historical.orders()).orders;
      expect(orders.map((o) => o.status).sort()).toEqual(['canceled', 'executed', 'executed', 'executed']);
      expect(orders.map((o) => o.order_id)).toEqual(expect.arrayContaining([navi.orderId, canceled]));
      expect(orders.map((o) => o.order_id)).not.toContain(resting);
      expect((await signed.historical.orders({ ticker: 'KXCS2MAJOR-26-VITALITY' })).orders.map((o) => [o.order_id, o.status, o.remaining_count_fp])).toEqual([[canceled, 'canceled', '0.00']]);
      let n = 0;
      for await (const _ of signed.historical.allOrders({ limit: 1 })) n++;
      expect(n).toBe(4);
    });

    it('positions: only events settled whole, as the live positions left them', async () => {
      const page = await signed.historical.positions();
      expect(page.market_positions.map((p) => p.ticker)).toEqual(['KXCS2MAJOR-26-NAVI']);
      // Archived positions left the live list; compare with what it said before the move.
      expect((await signed.getPositions()).market_positions.map((p) => p.ticker)).not.toContain('KXCS2MAJOR-26-NAVI');
      const live = livePositionsBefore.find((p) => p.ticker === 'KXCS2MAJOR-26-NAVI')!;
      expect(page.market_positions[0]).toMatchObject({ position_fp: '0.00', realized_pnl_dollars: live.realized_pnl_dollars, fees_paid_dollars: live.fees_paid_dollars, exchange_index: 0 });
      expect(page.event_positions).toEqual([expect.objectContaining({ event_ticker: 'KXCS2MAJOR-26', realized_pnl_dollars: live.realized_pnl_dollars, total_cost_shares_fp: '10.00' })]);
      // The Fed event has an unsettled market: its positions stay live.
      expect((await signed.historical.positions({ eventTicker: 'KXFEDDECISION-26DEC' })).market_positions).toEqual([]);
      expect((await signed.historical.positions({ subaccount: 2 })).market_positions).toEqual([]);
      const all = [];
      for await (const p of signed.historical.allPositions({ limit: 1 })) all.push(p.ticker);
      expect(all).toEqual(['KXCS2MAJOR-26-NAVI']);
    });

    it('each cut-off moves its own data: fills back before the trades cut-off, orders stay', async () => {
      setHistoricalCutoff(sandbox, { tradesCreated: new Date(DEFAULT_CUTOFF) });
      expect((await signed.historical.fills()).fills).toEqual([]);
      expect((await anon.historical.trades({ ticker: 'KXCS2MAJOR-26-NAVI' })).trades).toEqual([]);
      expect((await signed.historical.orders()).orders).toHaveLength(4);
      expect((await anon.getHistoricalCutoff()).trades_created_ts).toBe('2026-01-01T00:00:00Z');
      resetHistoricalCutoff(sandbox);
      expect(await anon.getHistoricalCutoff()).toEqual({ market_settled_ts: '2026-01-01T00:00:00Z', trades_created_ts: '2026-01-01T00:00:00Z', orders_updated_ts: '2026-01-01T00:00:00Z' });
      expect((await signed.historical.orders()).orders).toEqual([]);
      expect((await anon.historical.markets()).markets).toHaveLength(4);
    });
  });
});
