/** Kalshi wire shapes as of the 2026 API (reference/kalshi.md §6–§7): prices and counts are decimal strings. */
import { z } from 'zod';
import { lazySchema } from '../../src/validation.js';
import { countToWire, priceToWire } from './fixed-point.js';

export const dollars = lazySchema(() => z.string().regex(/^-?\d+(\.\d{1,6})?$/, 'a fixed-point dollar string'));
export const count = lazySchema(() => z.string().regex(/^-?\d+(\.\d{1,2})?$/, 'a fixed-point count string'));
const time = lazySchema(() => z.string().nullish());

export const exchangeStatusSchema = lazySchema(() =>
  z
    .object({
      exchange_active: z.boolean(),
      trading_active: z.boolean(),
      exchange_estimated_resume_time: time,
    })
    .passthrough(),
);

export const marketSchema = lazySchema(() =>
  z
    .object({
      ticker: z.string(),
      event_ticker: z.string(),
      market_type: z.string().optional(),
      title: z.string().nullish(),
      yes_sub_title: z.string().nullish(),
      no_sub_title: z.string().nullish(),
      status: z.string(),
      open_time: time,
      close_time: time,
      yes_bid_dollars: dollars.nullish(),
      yes_ask_dollars: dollars.nullish(),
      no_bid_dollars: dollars.nullish(),
      no_ask_dollars: dollars.nullish(),
      last_price_dollars: dollars.nullish(),
      volume_fp: count.nullish(),
      volume_24h_fp: count.nullish(),
      open_interest_fp: count.nullish(),
      price_ranges: z.array(z.object({ start: dollars, end: dollars, step: dollars })).nullish(),
      result: z.string().nullish(),
    })
    .passthrough(),
);
export const marketsPageSchema = lazySchema(() => z.object({ markets: z.array(marketSchema), cursor: z.string().nullish() }));
export const marketEnvelopeSchema = lazySchema(() => z.object({ market: marketSchema }));

const level = lazySchema(() => z.tuple([dollars, count]));
const orderbookFp = lazySchema(() => z.object({ yes_dollars: z.array(level).nullish(), no_dollars: z.array(level).nullish() }));
export const orderbookSchema = lazySchema(() => z.object({ orderbook_fp: orderbookFp }));
export const orderbooksSchema = lazySchema(() => z.object({ orderbooks: z.array(z.object({ ticker: z.string(), orderbook_fp: orderbookFp })) }));

export const tradeSchema = lazySchema(() =>
  z
    .object({
      trade_id: z.string(),
      ticker: z.string(),
      count_fp: count,
      yes_price_dollars: dollars,
      no_price_dollars: dollars,
      taker_outcome_side: z.string().nullish(),
      taker_book_side: z.string().nullish(),
      created_time: z.string(),
    })
    .passthrough(),
);
export const tradesPageSchema = lazySchema(() => z.object({ trades: z.array(tradeSchema), cursor: z.string().nullish() }));

export const eventSchema = lazySchema(() =>
  z
    .object({ event_ticker: z.string(), series_ticker: z.string(), title: z.string(), sub_title: z.string().nullish(), mutually_exclusive: z.boolean().nullish(), markets: z.array(marketSchema).nullish() })
    .passthrough(),
);
export const eventsPageSchema = lazySchema(() => z.object({ events: z.array(eventSchema), cursor: z.string().nullish() }));
export const eventEnvelopeSchema = lazySchema(() => z.object({ event: eventSchema, markets: z.array(marketSchema).nullish() }));

export const balanceSchema = lazySchema(() =>
  z.object({
    balance: z.number().int(),
    balance_dollars: dollars.nullish(),
    portfolio_value: z.number().int(),
    updated_ts: z.number().nullish(),
  }),
);

export const positionsSchema = lazySchema(() =>
  z.object({
    cursor: z.string().nullish(),
    market_positions: z.array(z.object({ ticker: z.string(), position_fp: count, market_exposure_dollars: dollars.nullish(), realized_pnl_dollars: dollars.nullish(), fees_paid_dollars: dollars.nullish() }).passthrough()),
    event_positions: z.array(z.object({ event_ticker: z.string() }).passthrough()).nullish(),
  }),
);

export const fillSchema = lazySchema(() =>
  z
    .object({
      fill_id: z.string(),
      order_id: z.string(),
      ticker: z.string(),
      outcome_side: z.string().nullish(),
      book_side: z.string().nullish(),
      count_fp: count,
      yes_price_dollars: dollars,
      no_price_dollars: dollars,
      is_taker: z.boolean().nullish(),
      created_time: time,
    })
    .passthrough(),
);
export const fillsPageSchema = lazySchema(() => z.object({ fills: z.array(fillSchema), cursor: z.string().nullish() }));

export const orderSchema = lazySchema(() =>
  z
    .object({
      order_id: z.string(),
      client_order_id: z.string().nullish(),
      ticker: z.string(),
      outcome_side: z.string().nullish(),
      book_side: z.string().nullish(),
      status: z.string(),
      yes_price_dollars: dollars,
      no_price_dollars: dollars,
      fill_count_fp: count,
      remaining_count_fp: count,
      initial_count_fp: count,
      created_time: time,
      /** When a resting order expires (it then reads as `canceled`). */
      expiration_time: time,
    })
    .passthrough(),
);
export const ordersPageSchema = lazySchema(() => z.object({ orders: z.array(orderSchema), cursor: z.string().nullish() }));
export const orderEnvelopeSchema = lazySchema(() => z.object({ order: orderSchema }));

export const createdOrderSchema = lazySchema(() =>
  z.object({
    order_id: z.string(),
    client_order_id: z.string().nullish(),
    fill_count: count,
    remaining_count: count,
    average_fill_price: dollars.nullish(),
    average_fee_paid: dollars.nullish(),
    ts_ms: z.number(),
  }),
);
export const canceledOrderSchema = lazySchema(() => z.object({ order_id: z.string(), client_order_id: z.string().nullish(), reduced_by: count, ts_ms: z.number() }));
export const amendedOrderSchema = lazySchema(() =>
  z.object({
    order_id: z.string(),
    client_order_id: z.string().nullish(),
    remaining_count: count.nullish(),
    fill_count: count.nullish(),
    ts_ms: z.number(),
  }),
);
const itemError = lazySchema(() => z.object({ code: z.string().optional(), message: z.string().optional(), details: z.string().optional() }).passthrough());
export const batchCreatedSchema = lazySchema(() =>
  z.object({
    orders: z.array(
      z.object({
        order_id: z.string().nullish(),
        client_order_id: z.string().nullish(),
        fill_count: count.nullish(),
        remaining_count: count.nullish(),
        ts_ms: z.number().nullish(),
        error: itemError.nullish(),
      }),
    ),
  }),
);
export const batchCanceledSchema = lazySchema(() =>
  z.object({
    orders: z.array(z.object({ order_id: z.string(), reduced_by: count.nullish(), client_order_id: z.string().nullish(), ts_ms: z.number().nullish(), error: itemError.nullish() })),
  }),
);

const bucket = lazySchema(() => z.object({ refill_rate: z.number().positive(), bucket_capacity: z.number().positive() }));
export const accountLimitsSchema = lazySchema(() => z.object({ usage_tier: z.string(), read: bucket, write: bucket }).passthrough());

export const apiKeysSchema = lazySchema(() =>
  z.object({
    api_keys: z.array(z.object({ api_key_id: z.string(), name: z.string(), scopes: z.array(z.string()), subaccount: z.number().int().nullish() })),
    api_key_region_expiration_ts: z.number().nullish(),
  }),
);
export const apiKeyCreatedSchema = lazySchema(() => z.object({ api_key_id: z.string() }));
export const apiKeyGeneratedSchema = lazySchema(() => z.object({ api_key_id: z.string(), private_key: z.string().includes('PRIVATE KEY'), key_type: z.string().nullish(), warning: z.string().nullish() }));

// ---- inputs ----
const ticker = lazySchema(() => z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/, 'a market ticker such as KXBTCD-26DEC31-T100000'));
export const tickerSchema = ticker;
const cursor = lazySchema(() => z.string().min(1).max(2000).optional());

/** A price on the cent-or-finer grid, strictly between 0 and 1, as its exact wire text (see fixed-point.ts). */
export const priceInput = lazySchema(() =>
  z.string({ error: 'a price is a dollar string such as "0.56" (numbers are refused: a float cannot hold every price)' }).transform((p, ctx) => {
    const wire = priceToWire(p);
    if (wire.ok) return wire.value;
    ctx.addIssue({ code: 'custom', message: wire.reason });
    return z.NEVER;
  }),
);
/** A positive contract count with at most two decimals, as its exact wire text (see fixed-point.ts). */
export const countInput = lazySchema(() =>
  z.union([z.string(), z.number()], { error: 'a count is a string such as "10" or "2.50", or a number' }).transform((c, ctx) => {
    const wire = countToWire(c);
    if (wire.ok) return wire.value;
    ctx.addIssue({ code: 'custom', message: wire.reason });
    return z.NEVER;
  }),
);

/** 1e11 seconds is the year 5138: a larger number can only be milliseconds. */
const MAX_UNIX_SECONDS = 1e11;
const SECONDS_OR_DATE = 'Unix time in seconds, or a Date';
/**
 * Every Unix-seconds input (`expirationTime`, `minTs`, `maxCloseTs`, …): a `Date`, sent as its
 * whole second (truncated), or a whole number of seconds. A number that can only be
 * milliseconds is refused, so an hour from now never becomes the year 58886.
 */
export const unixSecondsInput = lazySchema(() =>
  z
    .custom<number | Date>((v) => typeof v === 'number' || v instanceof Date, { message: `must be ${SECONDS_OR_DATE}` })
    .transform((v, ctx) => {
      const seconds = v instanceof Date ? Math.floor(v.getTime() / 1000) : v;
      if (v instanceof Date && !Number.isFinite(seconds)) ctx.addIssue({ code: 'custom', message: `must be ${SECONDS_OR_DATE} (this Date is invalid)` });
      else if (!Number.isInteger(seconds) || seconds < 0) ctx.addIssue({ code: 'custom', message: `must be ${SECONDS_OR_DATE}: a whole, non-negative number of seconds` });
      else if (seconds > MAX_UNIX_SECONDS) ctx.addIssue({ code: 'custom', message: `must be ${SECONDS_OR_DATE}; this number is too large for seconds and looks like milliseconds (divide by 1000, or pass a Date)` });
      else return seconds;
      return z.NEVER;
    }),
);

export const marketsQuerySchema = lazySchema(() =>
  z
    .object({
      limit: z.number().int().min(1).max(1000).optional(),
      cursor,
      eventTicker: ticker.optional(),
      seriesTicker: ticker.optional(),
      status: z.enum(['unopened', 'open', 'paused', 'closed', 'settled']).optional(),
      tickers: z.array(ticker).max(100).optional(),
      minCloseTs: unixSecondsInput.optional(),
      maxCloseTs: unixSecondsInput.optional(),
    })
    .strict(),
);
export const tradesQuerySchema = lazySchema(() =>
  z
    .object({ limit: z.number().int().min(1).max(1000).optional(), cursor, ticker: ticker.optional(), minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional(), isBlockTrade: z.boolean().optional() })
    .strict(),
);
export const eventsQuerySchema = lazySchema(() =>
  z
    .object({ limit: z.number().int().min(1).max(200).optional(), cursor, status: z.enum(['unopened', 'open', 'closed', 'settled']).optional(), seriesTicker: ticker.optional(), withNestedMarkets: z.boolean().optional() })
    .strict(),
);
export const positionsQuerySchema = lazySchema(() =>
  z
    .object({ limit: z.number().int().min(1).max(1000).optional(), cursor, ticker: ticker.optional(), eventTicker: ticker.optional(), countFilter: z.enum(['position', 'total_traded']).optional() })
    .strict(),
);
export const fillsQuerySchema = lazySchema(() =>
  z
    .object({ limit: z.number().int().min(1).max(1000).optional(), cursor, ticker: ticker.optional(), orderId: z.string().optional(), minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional() })
    .strict(),
);
export const ordersQuerySchema = lazySchema(() =>
  z
    .object({ limit: z.number().int().min(1).max(1000).optional(), cursor, ticker: ticker.optional(), eventTicker: ticker.optional(), status: z.enum(['resting', 'canceled', 'executed']).optional(), minTs: unixSecondsInput.optional(), maxTs: unixSecondsInput.optional() })
    .strict(),
);

export const createOrderInputSchema = lazySchema(() =>
  z
    .object({
      ticker,
      /** YES-book side: `bid` buys YES, `ask` sells YES. */
      side: z.enum(['bid', 'ask']),
      count: countInput,
      price: priceInput,
      timeInForce: z.enum(['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel']),
      selfTradePrevention: z.enum(['taker_at_cross', 'maker']).default('taker_at_cross'),
      clientOrderId: z.string().min(1).max(64).optional(),
      /** When a resting order expires: a `Date` or Unix seconds (see `unixSecondsInput`). */
      expirationTime: unixSecondsInput.optional(),
      postOnly: z.boolean().optional(),
      reduceOnly: z.boolean().optional(),
      cancelOrderOnPause: z.boolean().optional(),
      subaccount: z.number().int().min(0).max(63).optional(),
      /**
       * The order group (`orderGroups.create`) whose contracts limit this order's fills count
       * toward; when the group's limit is hit, all its resting orders are cancelled.
       */
      orderGroupId: z.string().min(1).max(200).optional(),
    })
    .strict()
    .refine((o) => !(o.timeInForce === 'immediate_or_cancel' && o.expirationTime !== undefined), { message: 'immediate_or_cancel cannot have an expirationTime', path: ['expirationTime'] }),
);

export const amendInputSchema = lazySchema(() =>
  z
    .object({
      ticker,
      side: z.enum(['bid', 'ask']),
      price: priceInput,
      /** Filled plus the remaining count you want. */
      count: countInput,
    })
    .strict(),
);

export const decreaseInputSchema = lazySchema(() =>
  z.union([
    z.object({ ticker: ticker.optional(), reduceTo: countInput }).strict(),
    z.object({ ticker: ticker.optional(), reduceBy: countInput }).strict(),
  ]),
);

export const apiKeyCreateInputSchema = lazySchema(() =>
  z
    .object({
      name: z.string().min(1).max(200),
      publicKeyPem: z.string().includes('-----BEGIN', { message: 'a PEM public key' }),
      scopes: z.array(z.string().min(1)).optional(),
      subaccount: z.number().int().min(0).max(63).optional(),
    })
    .strict(),
);
export const apiKeyGenerateInputSchema = lazySchema(() =>
  z
    .object({ name: z.string().min(1).max(200), scopes: z.array(z.string().min(1)).optional(), subaccount: z.number().int().min(0).max(63).optional() })
    .strict(),
);
