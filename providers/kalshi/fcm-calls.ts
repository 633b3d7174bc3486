/**
 * The FCM calls (spec tag `fcm`): for futures commission merchants, who trade for their
 * subtraders. Fills, orders and positions across the subtraders; subtraders themselves; each
 * subtrader's event-contract daily premium cap and blocked event categories. A caller that is
 * not an FCM member gets a PermissionError (403) from every one of them.
 */
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import type { Money } from '../../src/money.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { withDollarFields } from './answer-dollars.js';
import * as g from './generated/operations.js';
import { tickerSchema, unixSecondsInput } from './schemas.js';
import type { KalshiOperationSender } from './spec-calls.js';

const PROVIDER = 'kalshi';

/** One fill across the FCM's subtraders (prices and counts as Kalshi's exact fixed-point strings). */
export type KalshiFcmFill = g.FcmFill;
/** One order of a subtrader (prices and counts as Kalshi's exact fixed-point strings). */
export type KalshiFcmOrder = g.Order;
/** A subtrader's position in one market (exact fixed-point strings). */
export type KalshiFcmMarketPosition = g.MarketPosition;
/** A subtrader's position in one event (exact fixed-point strings). */
export type KalshiFcmEventPosition = g.EventPosition;
/** A subtrader of the FCM and whether it may trade. */
export type KalshiFcmSubtrader = g.FCMSubtrader;
/** A subtrader's daily premium cap and what is used of it (spec `GetFCMEventContractDailyCapResponse`), as sent. */
export interface KalshiFcmDailyCap extends g.GetFCMEventContractDailyCapResponse {
  /** The cap, a fixed-point dollar string (exact; checked as one). */
  readonly limit: string;
  /** Premium of executed orders counted against it today, a fixed-point dollar string. */
  readonly executed_utilization: string;
  /** Premium of resting orders counted against it, a fixed-point dollar string. */
  readonly resting_order_utilization: string;
  /** Premium of orders not yet accepted, a fixed-point dollar string. */
  readonly pending_order_utilization: string;
}
/** A page of fills across your subtraders (spec `GetFcmFillsResponse`); an empty `cursor` ends the list. */
export type KalshiFcmFillsPage = g.GetFcmFillsResponse;
/** A page of subtrader orders (spec `GetOrdersResponse`); an empty `cursor` ends the list. */
export type KalshiFcmOrdersPage = g.GetOrdersResponse;
/** The subtrader `fcm.subtraders.create` made (spec `CreateFCMSubtraderResponse`). */
export type KalshiFcmCreatedSubtrader = g.CreateFCMSubtraderResponse;

/** Filters and paging of `fcm.listOrders`: `subtraderId` or `clientOrderIds` (or both) is required. */
export interface KalshiFcmOrdersQuery {
  /** The subtrader whose orders to list. */
  readonly subtraderId?: string;
  /** Up to 100; only orders of the last 24 hours are searched by client order id. */
  readonly clientOrderIds?: readonly string[];
  /** Only orders in the markets of this event. */
  readonly eventTicker?: string;
  /** Only orders in this market. */
  readonly ticker?: string;
  /** Orders created at or after this time: a `Date` or Unix seconds. */
  readonly minTs?: Date | number;
  /** Orders created at or before this time: a `Date` or Unix seconds. */
  readonly maxTs?: Date | number;
  /** Only orders in this state. */
  readonly status?: 'resting' | 'canceled' | 'executed';
  /** 1–1000 (Kalshi's default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
}

/** Filters and paging of `fcm.listPositions`. */
export interface KalshiFcmPositionsQuery {
  /** Required unless the key is bound to one subtrader. */
  readonly subtraderId?: string;
  /** Only the position in this market. */
  readonly ticker?: string;
  /** Only positions in the markets of this event. */
  readonly eventTicker?: string;
  /** Only positions with a non-zero value in one of these fields. */
  readonly countFilter?: readonly ('position' | 'total_traded')[];
  /** Kalshi's default `unsettled`. */
  readonly settlementStatus?: 'all' | 'unsettled' | 'settled';
  /** 1–1000 (Kalshi's default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
}

/** A page of positions: per market and per event. */
export interface KalshiFcmPositionsPage {
  /** The market positions of this page (the list is paged by these). */
  readonly market_positions: KalshiFcmMarketPosition[];
  /** The positions of the events of those markets. */
  readonly event_positions: KalshiFcmEventPosition[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}

/** The calls of this module (see the file comment). */
export interface KalshiFcmCalls {
  /** The calls of an FCM member: subtraders' fills, orders and positions, subtraders, their daily caps and blocked categories. */
  readonly fcm: {
    /** One page of fills across your subtraders (read); `minTs`/`maxTs` a `Date` or Unix seconds. */
    listFills(query?: { minTs?: Date | number; maxTs?: Date | number; cursor?: string }, options?: CallOptions): PagePromise<KalshiFcmFillsPage, KalshiFcmFill>;
    /**
     * Every fill across your subtraders matching the range, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const fill of kalshi.fcm.listFills(query))`.
     */
    fills(query?: { minTs?: Date | number; maxTs?: Date | number }, options?: CallOptions): AsyncGenerator<KalshiFcmFill, void, undefined>;
    /** One page of a subtrader's orders, or of orders found by client order id (read). */
    listOrders(query: KalshiFcmOrdersQuery, options?: CallOptions): PagePromise<KalshiFcmOrdersPage, KalshiFcmOrder>;
    /**
     * Every order matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const order of kalshi.fcm.listOrders(query))`.
     */
    orders(query: Omit<KalshiFcmOrdersQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiFcmOrder, void, undefined>;
    /** One page of a subtrader's positions (read). */
    listPositions(query?: KalshiFcmPositionsQuery, options?: CallOptions): PagePromise<KalshiFcmPositionsPage, KalshiFcmMarketPosition>;
    /**
     * Every market position matching the query, following `cursor` (event positions: `listPositions`).
     * @deprecated Iterate the page call instead: `for await (const position of kalshi.fcm.listPositions(query))`.
     */
    positions(query?: Omit<KalshiFcmPositionsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiFcmMarketPosition, void, undefined>;
    /** Your event-contract subtraders. */
    readonly subtraders: {
      /** Your event-contract subtraders (read). */
      list(options?: CallOptions): Promise<KalshiFcmSubtrader[]>;
      /**
       * Create the subtrader `{your account id}_{suffix}` (suffix: 1–16 ASCII letters and
       * digits). Repeat-safe: the id is the suffix's, so a repeat cannot make a second one —
       * Kalshi answers it 409 (InvalidRequestError `conflict`), which is also what a retry
       * after a lost answer gets when the first attempt landed: the subtrader exists.
       */
      create(suffix: string, options?: CallOptions): Promise<KalshiFcmCreatedSubtrader>;
    };
    /** A subtrader's daily premium cap. */
    readonly dailyCap: {
      /** A subtrader's event-contract daily premium cap and its use today; NotFoundError when none is set (then its bound keys cannot trade). */
      get(subtraderId: string, options?: CallOptions): Promise<KalshiFcmDailyCap>;
      /** Set the cap (USD: Money or a dollar string, at most 4 decimals). Repeat-safe: it sets a value. */
      set(subtraderId: string, limit: Money | string, options?: CallOptions): Promise<void>;
      /** Remove the cap, closing the subtrader's bound keys to new orders. Repeat-safe. */
      delete(subtraderId: string, options?: CallOptions): Promise<void>;
    };
    /** The market categories a subtrader may not trade. */
    readonly blockedCategories: {
      /** The event categories blocked for a subtrader, sorted (read). */
      get(subtraderId: string, options?: CallOptions): Promise<string[]>;
      /** Block (`blocked: true`) or unblock one category; returns the whole blocked set. Repeat-safe: it sets a value. */
      update(input: { subtraderId: string; category: string; blocked: boolean }, options?: CallOptions): Promise<string[]>;
    };
  };
}

const subtraderId = lazySchema(() => z.string().min(3).max(200).regex(/^[^\s,]+_[A-Za-z0-9]{1,16}$/, 'a subtrader id is {FCM account id}_{suffix}'));
const suffix = lazySchema(() => z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'a suffix is 1-16 ASCII letters and digits'));
const cursor = lazySchema(() => z.string().min(1).max(2000).optional());
const limit = lazySchema(() => z.number().int().min(1).max(1000).optional());
const beforeEnd = { message: 'minTs must not be after maxTs', path: ['minTs'] };
const inOrder = (q: { minTs?: number | undefined; maxTs?: number | undefined }): boolean => q.minTs === undefined || q.maxTs === undefined || q.minTs <= q.maxTs;
const fillsQuery = lazySchema(() => z.object({ minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional(), cursor }).strict().refine(inOrder, beforeEnd));
const ordersQuery = lazySchema(() => z
  .object({
    subtraderId: subtraderId.optional(),
    clientOrderIds: z.array(z.string().min(1).max(200).refine((id) => !id.includes(','), 'a client order id cannot contain a comma (they are sent comma-separated)')).min(1).max(100).optional(),
    eventTicker: tickerSchema.optional(),
    ticker: tickerSchema.optional(),
    minTs: unixSecondsInput.optional(),
    maxTs: unixSecondsInput.optional(),
    status: z.enum(['resting', 'canceled', 'executed']).optional(),
    limit,
    cursor,
  })
  .strict()
  .refine((q) => q.subtraderId !== undefined || q.clientOrderIds !== undefined, { message: 'give subtraderId or clientOrderIds (or both)', path: ['subtraderId'] })
  .refine(inOrder, beforeEnd));
const positionsQuery = lazySchema(() => z
  .object({
    subtraderId: subtraderId.optional(),
    ticker: tickerSchema.optional(),
    eventTicker: tickerSchema.optional(),
    countFilter: z.array(z.enum(['position', 'total_traded'])).min(1).max(2).optional(),
    settlementStatus: z.enum(['all', 'unsettled', 'settled']).optional(),
    limit,
    cursor,
  })
  .strict());
/** A cap in USD → Kalshi's fixed-point dollar string (2–4 decimals). */
const capLimit = lazySchema(() => z.union([z.string(), z.object({ currency: z.string(), amount: z.string() }).strict()]).transform((v, ctx) => {
  if (typeof v !== 'string' && v.currency.toUpperCase() !== 'USD') {
    ctx.addIssue({ code: 'custom', message: 'must be in USD' });
    return z.NEVER;
  }
  const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(typeof v === 'string' ? v : v.amount);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative dollar amount with at most 4 decimals, such as "250.00"' });
    return z.NEVER;
  }
  return `${BigInt(m[1]!).toString()}.${(m[2] ?? '').padEnd(2, '0')}`;
}));
const categoryUpdate = lazySchema(() => z.object({ subtraderId, category: z.string().min(1).max(100), blocked: z.boolean() }).strict());

// The cap's dollar strings, checked as part of the answer (answer-dollars.ts): text that is no amount is the server's bad answer.
const capAnswer = lazySchema(() => withDollarFields(g.GetFCMEventContractDailyCapResponseSchema, (c) => (['limit', 'executed_utilization', 'resting_order_utilization', 'pending_order_utilization'] as const).map((f) => [[f], c[f]] as const)));

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiFcmCalls(send: KalshiOperationSender): KalshiFcmCalls {
  const fcm: KalshiFcmCalls['fcm'] = {
    listFills: cursorList(PROVIDER, (p) => p.fills, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'fcm.listFills', fillsQuery, query);
      const res = await send('GetFCMFills', g.GetFcmFillsResponseSchema, { query: { min_ts: q.minTs, max_ts: q.maxTs, cursor: q.cursor }, call: c });
      return { fills: res.fills, cursor: res.cursor };
    }),
    fills(query = {}, c) {
      parseInput(PROVIDER, 'fcm.fills', fillsQuery, query);
      return itemsWhenIterated(() => fcm.listFills(query, c));
    },
    listOrders: cursorList(PROVIDER, (p) => p.orders, (p) => p.cursor, async (query, c) => {
      const q = parseInput(PROVIDER, 'fcm.listOrders', ordersQuery, query);
      const res = await send('GetFCMOrders', g.GetOrdersResponseSchema, {
        query: { subtrader_id: q.subtraderId, client_order_ids: q.clientOrderIds?.join(','), event_ticker: q.eventTicker, ticker: q.ticker, min_ts: q.minTs, max_ts: q.maxTs, status: q.status, limit: q.limit, cursor: q.cursor },
        call: c,
      });
      return { orders: res.orders, cursor: res.cursor };
    }),
    orders(query, c) {
      parseInput(PROVIDER, 'fcm.orders', ordersQuery, query);
      return itemsWhenIterated(() => fcm.listOrders(query, c));
    },
    listPositions: cursorList(PROVIDER, (p) => p.market_positions, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'fcm.listPositions', positionsQuery, query);
      const res = await send('GetFCMPositions', g.GetPositionsResponseSchema, {
        query: { subtrader_id: q.subtraderId, ticker: q.ticker, event_ticker: q.eventTicker, count_filter: q.countFilter?.join(','), settlement_status: q.settlementStatus, limit: q.limit, cursor: q.cursor },
        call: c,
      });
      return { market_positions: res.market_positions, event_positions: res.event_positions, cursor: res.cursor };
    }),
    positions(query = {}, c) {
      parseInput(PROVIDER, 'fcm.positions', positionsQuery, query);
      return itemsWhenIterated(() => fcm.listPositions(query, c));
    },
    subtraders: {
      async list(c) {
        return (await send('ListFCMSubtraders', g.ListFCMSubtradersResponseSchema, { call: c })).subtraders;
      },
      async create(s, c) {
        const sfx = parseInput(PROVIDER, 'fcm.subtraders.create', suffix, s);
        // Not repeated: a repeat after a lost answer is Kalshi's 409 for the subtrader the first
        // attempt made, which would tell the caller its create failed. A lost answer is an
        // OutcomeUnknownError instead, saying how to check.
        const res = await send('CreateFCMSubtrader', g.CreateFCMSubtraderResponseSchema, {
          body: { subtrader_suffix: sfx },
          safety: 'unsafe',
          outcomeHint: `List your subtraders (fcm.subtraders.list()) and look for the id ending in _${sfx} before creating it again (a repeat is refused with 409).`,
          call: c,
        });
        return { subtrader_id: res.subtrader_id };
      },
    },
    dailyCap: {
      async get(id, c) {
        const sid = parseInput(PROVIDER, 'fcm.dailyCap.get', subtraderId, id);
        return send('GetFCMEventContractDailyCap', capAnswer, { query: { subtrader_id: sid }, call: c });
      },
      async set(id, value, c) {
        const sid = parseInput(PROVIDER, 'fcm.dailyCap.set', subtraderId, id);
        const lim = parseInput(PROVIDER, 'fcm.dailyCap.set', capLimit, value);
        await send('UpdateFCMEventContractDailyCap', g.EmptyResponseSchema, { body: { subtrader_id: sid, limit: lim }, call: c });
      },
      async delete(id, c) {
        const sid = parseInput(PROVIDER, 'fcm.dailyCap.delete', subtraderId, id);
        await send('DeleteFCMEventContractDailyCap', g.EmptyResponseSchema, { query: { subtrader_id: sid }, call: c });
      },
    },
    blockedCategories: {
      async get(id, c) {
        const sid = parseInput(PROVIDER, 'fcm.blockedCategories.get', subtraderId, id);
        return (await send('GetFCMSubtraderBlockedCategories', g.GetFCMSubtraderBlockedCategoriesResponseSchema, { query: { subtrader_id: sid }, call: c })).categories;
      },
      async update(input, c) {
        const q = parseInput(PROVIDER, 'fcm.blockedCategories.update', categoryUpdate, input);
        const res = await send('UpdateFCMSubtraderBlockedCategories', g.UpdateFCMSubtraderBlockedCategoriesResponseSchema, { body: { subtrader_id: q.subtraderId, category: q.category, blocked: q.blocked }, call: c });
        return res.categories;
      },
    },
  };
  return { fcm };
}
