/**
 * Kalshi's historical data: what the live API no longer serves once it is older than the
 * cut-off times of `getHistoricalCutoff()` — markets settled before it (and their candles),
 * trades and your fills before it, your orders canceled or executed before it, and your
 * positions in events settled and archived before it. All reads; markets, candles and trades
 * are public, fills, orders and positions signed. Times in: `Date`s or Unix seconds.
 */
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import * as g from './generated/operations.js';
import { tickerSchema, unixSecondsInput } from './schemas.js';
import type { KalshiOperationSender } from './spec-calls.js';

const PROVIDER = 'kalshi';

/** A market archived to the historical database (prices and counts as exact decimal strings). */
export type KalshiHistoricalMarket = g.Market;
/** One candle of an archived market: YES bid/ask and trade-price distributions over the period ending at `end_period_ts` (Unix seconds). */
export type KalshiHistoricalCandlestick = g.MarketCandlestickHistorical;
/** A trade older than the trades cut-off. */
export type KalshiHistoricalTrade = g.Trade;
/** One of your fills older than the trades cut-off. */
export type KalshiHistoricalFill = g.Fill;
/** One of your orders canceled or executed before the orders cut-off. */
export type KalshiHistoricalOrder = g.Order;
/** Your position in a market of an archived (settled) event. */
export type KalshiHistoricalMarketPosition = g.MarketPosition;
/** Your position in an archived (settled) event. */
export type KalshiHistoricalEventPosition = g.EventPosition;

/** Filters and paging of `historical.markets`: `tickers`, `eventTicker` and `seriesTicker` exclude each other. */
export interface KalshiHistoricalMarketsQuery {
  /** 1–1000 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Only these markets. */
  readonly tickers?: readonly string[];
  /** Only the markets of this event. */
  readonly eventTicker?: string;
  /** Only the markets of this series. */
  readonly seriesTicker?: string;
  /** `exclude`: leave multivariate (combo) markets out. */
  readonly mveFilter?: 'exclude';
}
/** Filters and paging of `historical.trades`. */
export interface KalshiHistoricalTradesQuery {
  /** 1–1000 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Only the trades of this market. */
  readonly ticker?: string;
  /** `Date`s or Unix seconds. */
  readonly minTs?: Date | number;
  /** Trades at or before this time: a `Date` or Unix seconds. */
  readonly maxTs?: Date | number;
  /** `true`: block trades only; `false`: none of them; omitted: all. */
  readonly isBlockTrade?: boolean;
}
/** Filters and paging of `historical.fills` and `historical.orders`. */
export interface KalshiHistoricalPortfolioQuery {
  /** 1–1000 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Only this market. */
  readonly ticker?: string;
  /** `Date`s or Unix seconds. */
  readonly minTs?: Date | number;
  /** At or before this time: a `Date` or Unix seconds. */
  readonly maxTs?: Date | number;
  /** 0 (primary) to 63; omitted: every subaccount. */
  readonly subaccount?: number;
}
/** Filters and paging of `historical.positions`. */
export interface KalshiHistoricalPositionsQuery {
  /** 1–1000 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Only the position in this market. */
  readonly ticker?: string;
  /** Only positions in the markets of this event. */
  readonly eventTicker?: string;
  /** 0 (primary, the server's default) to 63. */
  readonly subaccount?: number;
}
/** A page of `historical.positions`: market positions (paged) and the positions of their events. */
export interface KalshiHistoricalPositionsPage {
  /** The market positions of this page (the list is paged by these). */
  readonly market_positions: KalshiHistoricalMarketPosition[];
  /** The positions of the events of those markets. */
  readonly event_positions: KalshiHistoricalEventPosition[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** The range of `historical.candlesticks`. */
export interface KalshiHistoricalCandleQuery {
  /** The market. */
  readonly ticker: string;
  /** `Date`s or Unix seconds: candles ending within [start, end]. */
  readonly start: Date | number;
  /** End of the range: a `Date` or Unix seconds. */
  readonly end: Date | number;
  /** Minutes per candle: 1, 60 or 1440. */
  readonly periodMinutes: 1 | 60 | 1440;
}

/** The calls of this module (see the file comment). */
export interface KalshiHistoricalCalls {
  /** The archive: markets, trades, fills, orders and positions older than `getHistoricalCutoff()`. */
  readonly historical: {
    /** One page of archived markets (public, read). */
    markets(query?: KalshiHistoricalMarketsQuery, options?: CallOptions): PagePromise<{ markets: KalshiHistoricalMarket[]; cursor: string }, KalshiHistoricalMarket>;
    /**
     * Every archived market matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const market of kalshi.historical.markets(query))`.
     */
    allMarkets(query?: Omit<KalshiHistoricalMarketsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiHistoricalMarket, void, undefined>;
    /** One archived market (public, read). */
    market(ticker: string, options?: CallOptions): Promise<KalshiHistoricalMarket>;
    /** Candles of an archived market (public, read). */
    candlesticks(query: KalshiHistoricalCandleQuery, options?: CallOptions): Promise<KalshiHistoricalCandlestick[]>;
    /** One page of trades older than the cut-off, newest first (public, read). */
    trades(query?: KalshiHistoricalTradesQuery, options?: CallOptions): PagePromise<{ trades: KalshiHistoricalTrade[]; cursor: string }, KalshiHistoricalTrade>;
    /**
     * Every historical trade matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const trade of kalshi.historical.trades(query))`.
     */
    allTrades(query?: Omit<KalshiHistoricalTradesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiHistoricalTrade, void, undefined>;
    /** One page of your fills older than the cut-off, newest first (signed, read). */
    fills(query?: KalshiHistoricalPortfolioQuery, options?: CallOptions): PagePromise<{ fills: KalshiHistoricalFill[]; cursor: string }, KalshiHistoricalFill>;
    /**
     * Every historical fill of yours matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const fill of kalshi.historical.fills(query))`.
     */
    allFills(query?: Omit<KalshiHistoricalPortfolioQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiHistoricalFill, void, undefined>;
    /** One page of your archived orders (signed, read). */
    orders(query?: KalshiHistoricalPortfolioQuery, options?: CallOptions): PagePromise<{ orders: KalshiHistoricalOrder[]; cursor: string }, KalshiHistoricalOrder>;
    /**
     * Every archived order of yours matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const order of kalshi.historical.orders(query))`.
     */
    allOrders(query?: Omit<KalshiHistoricalPortfolioQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiHistoricalOrder, void, undefined>;
    /** One page of your archived positions (signed, read). */
    positions(query?: KalshiHistoricalPositionsQuery, options?: CallOptions): PagePromise<KalshiHistoricalPositionsPage, KalshiHistoricalMarketPosition>;
    /**
     * Every archived market position of yours matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const position of kalshi.historical.positions(query))`.
     */
    allPositions(query?: Omit<KalshiHistoricalPositionsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiHistoricalMarketPosition, void, undefined>;
  };
}

const cursor = lazySchema(() => z.string().min(1).max(2000).optional());
const limit = lazySchema(() => z.number().int().min(1).max(1000).optional());
const subaccount = lazySchema(() => z.number().int().min(0).max(63).optional());
const minBeforeMax = { message: 'minTs must not be after maxTs', path: ['minTs'] };
const tickerInList = lazySchema(() => tickerSchema.refine((t) => !t.includes(','), 'a ticker cannot contain a comma (tickers are sent comma-separated)'));
const marketsQuery = lazySchema(() => z
  .object({ limit, cursor, tickers: z.array(tickerInList).min(1).max(1000).optional(), eventTicker: tickerSchema.optional(), seriesTicker: tickerSchema.optional(), mveFilter: z.literal('exclude').optional() })
  .strict()
  .refine((q) => [q.tickers, q.eventTicker, q.seriesTicker].filter((f) => f !== undefined).length <= 1, { message: 'tickers, eventTicker and seriesTicker exclude each other', path: ['tickers'] }));
const tradesQuery = lazySchema(() => z
  .object({ limit, cursor, ticker: tickerSchema.optional(), minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional(), isBlockTrade: z.boolean().optional() })
  .strict()
  .refine((q) => q.minTs === undefined || q.maxTs === undefined || q.minTs <= q.maxTs, minBeforeMax));
const portfolioQuery = lazySchema(() => z
  .object({ limit, cursor, ticker: tickerSchema.optional(), minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional(), subaccount })
  .strict()
  .refine((q) => q.minTs === undefined || q.maxTs === undefined || q.minTs <= q.maxTs, minBeforeMax));
const positionsQuery = lazySchema(() => z.object({ limit, cursor, ticker: tickerSchema.optional(), eventTicker: tickerSchema.optional(), subaccount }).strict());
const candleQuery = lazySchema(() => z
  .object({
    ticker: tickerSchema,
    start: unixSecondsInput,
    end: unixSecondsInput,
    periodMinutes: z.union([z.literal(1), z.literal(60), z.literal(1440)], { message: 'periodMinutes must be 1, 60 or 1440' }),
  })
  .strict()
  .refine((q) => q.start <= q.end, { message: 'start must not be after end', path: ['start'] }));

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiHistoricalCalls(send: KalshiOperationSender): KalshiHistoricalCalls {
  const historical: KalshiHistoricalCalls['historical'] = {
    markets: cursorList(PROVIDER, (p) => p.markets, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'historical.markets', marketsQuery, query);
      const res = await send('GetHistoricalMarkets', g.GetMarketsResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, tickers: q.tickers?.join(','), event_ticker: q.eventTicker, series_ticker: q.seriesTicker, mve_filter: q.mveFilter },
        call: c,
      });
      return { markets: res.markets, cursor: res.cursor };
    }),
    allMarkets(query = {}, c) {
      parseInput(PROVIDER, 'historical.allMarkets', marketsQuery, query);
      return itemsWhenIterated(() => historical.markets(query, c));
    },
    async market(ticker, c) {
      const t = parseInput(PROVIDER, 'historical.market', tickerSchema, ticker);
      return (await send('GetHistoricalMarket', g.GetMarketResponseSchema, { params: { ticker: t }, call: c })).market;
    },
    async candlesticks(query, c) {
      const q = parseInput(PROVIDER, 'historical.candlesticks', candleQuery, query);
      const res = await send('GetMarketCandlesticksHistorical', g.GetMarketCandlesticksHistoricalResponseSchema, {
        params: { ticker: q.ticker },
        query: { start_ts: q.start, end_ts: q.end, period_interval: q.periodMinutes },
        call: c,
      });
      return res.candlesticks;
    },
    trades: cursorList(PROVIDER, (p) => p.trades, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'historical.trades', tradesQuery, query);
      const res = await send('GetTradesHistorical', g.GetTradesResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, min_ts: q.minTs, max_ts: q.maxTs, is_block_trade: q.isBlockTrade },
        call: c,
      });
      return { trades: res.trades, cursor: res.cursor };
    }),
    allTrades(query = {}, c) {
      parseInput(PROVIDER, 'historical.allTrades', tradesQuery, query);
      return itemsWhenIterated(() => historical.trades(query, c));
    },
    fills: cursorList(PROVIDER, (p) => p.fills, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'historical.fills', portfolioQuery, query);
      const res = await send('GetFillsHistorical', g.GetFillsResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, min_ts: q.minTs, max_ts: q.maxTs, subaccount: q.subaccount },
        call: c,
      });
      return { fills: res.fills, cursor: res.cursor };
    }),
    allFills(query = {}, c) {
      parseInput(PROVIDER, 'historical.allFills', portfolioQuery, query);
      return itemsWhenIterated(() => historical.fills(query, c));
    },
    orders: cursorList(PROVIDER, (p) => p.orders, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'historical.orders', portfolioQuery, query);
      const res = await send('GetHistoricalOrders', g.GetOrdersResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, min_ts: q.minTs, max_ts: q.maxTs, subaccount: q.subaccount },
        call: c,
      });
      return { orders: res.orders, cursor: res.cursor };
    }),
    allOrders(query = {}, c) {
      parseInput(PROVIDER, 'historical.allOrders', portfolioQuery, query);
      return itemsWhenIterated(() => historical.orders(query, c));
    },
    positions: cursorList(PROVIDER, (p) => p.market_positions, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'historical.positions', positionsQuery, query);
      const res = await send('GetHistoricalPositions', g.GetPositionsResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, event_ticker: q.eventTicker, subaccount: q.subaccount },
        call: c,
      });
      return { market_positions: res.market_positions, event_positions: res.event_positions, cursor: res.cursor };
    }),
    allPositions(query = {}, c) {
      parseInput(PROVIDER, 'historical.allPositions', positionsQuery, query);
      return itemsWhenIterated(() => historical.positions(query, c));
    },
  };
  return { historical };
}
