/** Kalshi wire shapes as of the 2026 API (reference/kalshi.md §6–§7): prices and counts are decimal strings. */
import { z } from 'zod';
import { lazySchema } from '../../src/validation.js';
import { countToWire, priceToWire } from './fixed-point.js';
import * as g from './generated/operations.js';

export const dollars = lazySchema(() => z.string().regex(/^-?\d+(\.\d{1,6})?$/, 'a fixed-point dollar string'));
export const count = lazySchema(() => z.string().regex(/^-?\d+(\.\d{1,2})?$/, 'a fixed-point count string'));

/**
 * A generated spec object with its money made strict: every `FixedPointDollars` field must be a
 * fixed-point dollar string and every `FixedPointCount` a fixed-point count string (the spec
 * types both as any string). The output type is the spec's, unchanged; unknown fields are
 * stripped (zod's default), so a result never carries fields the client does not know.
 */
function strictMoney<S extends z.ZodObject>(schema: S): S {
  const strict = (field: z.ZodType): z.ZodType => {
    if (field === g.FixedPointDollarsSchema) return dollars;
    if (field === g.FixedPointCountSchema) return count;
    if (field instanceof z.ZodOptional) return strict(field.unwrap() as z.ZodType).optional();
    if (field instanceof z.ZodNullable) return strict(field.unwrap() as z.ZodType).nullable();
    return field;
  };
  const shape = Object.fromEntries(Object.entries(schema.shape).map(([name, field]) => [name, strict(field as z.ZodType)]));
  return schema.extend(shape) as unknown as S;
}

export const exchangeStatusSchema = lazySchema(() => g.ExchangeStatusSchema);

const priceRangeSchema = lazySchema(() => g.PriceRangeSchema.extend({ start: dollars, end: dollars, step: dollars }));
export const marketSchema = lazySchema(() => strictMoney(g.MarketSchema).extend({ price_ranges: z.array(priceRangeSchema), mve_selected_legs: z.array(strictMoney(g.MveSelectedLegSchema)).optional() }));
export const marketsPageSchema = lazySchema(() => g.GetMarketsResponseSchema.extend({ markets: z.array(marketSchema) }));
export const marketEnvelopeSchema = lazySchema(() => g.GetMarketResponseSchema.extend({ market: marketSchema }));

const level = lazySchema(() => z.tuple([dollars, count]));
const orderbookFp = lazySchema(() => z.object({ yes_dollars: z.array(level).nullish(), no_dollars: z.array(level).nullish() }));
export const orderbookSchema = lazySchema(() => z.object({ orderbook_fp: orderbookFp }));
export const orderbooksSchema = lazySchema(() => z.object({ orderbooks: z.array(z.object({ ticker: z.string(), orderbook_fp: orderbookFp })) }));

export const tradeSchema = lazySchema(() => strictMoney(g.TradeSchema));
export const tradesPageSchema = lazySchema(() => g.GetTradesResponseSchema.extend({ trades: z.array(tradeSchema) }));

export const eventSchema = lazySchema(() => g.EventDataSchema.extend({ markets: z.array(marketSchema).optional() }));
export const eventsPageSchema = lazySchema(() => g.GetEventsResponseSchema.extend({ events: z.array(eventSchema) }));
export const eventEnvelopeSchema = lazySchema(() => g.GetEventResponseSchema.extend({ event: eventSchema, markets: z.array(marketSchema) }));

export const balanceSchema = lazySchema(() => strictMoney(g.GetBalanceResponseSchema).extend({ balance_breakdown: z.array(strictMoney(g.IndexedBalanceSchema)).optional() }));

export const marketPositionSchema = lazySchema(() => strictMoney(g.MarketPositionSchema));
export const eventPositionSchema = lazySchema(() => strictMoney(g.EventPositionSchema));
export const positionsSchema = lazySchema(() => g.GetPositionsResponseSchema.extend({ market_positions: z.array(marketPositionSchema), event_positions: z.array(eventPositionSchema) }));

export const fillSchema = lazySchema(() => strictMoney(g.FillSchema));
export const fillsPageSchema = lazySchema(() => g.GetFillsResponseSchema.extend({ fills: z.array(fillSchema) }));

export const orderSchema = lazySchema(() => strictMoney(g.OrderSchema));
export const ordersPageSchema = lazySchema(() => g.GetOrdersResponseSchema.extend({ orders: z.array(orderSchema) }));
export const orderEnvelopeSchema = lazySchema(() => g.GetOrderResponseSchema.extend({ order: orderSchema }));

export const createdOrderSchema = lazySchema(() => strictMoney(g.CreateOrderV2ResponseSchema));
export const canceledOrderSchema = lazySchema(() => strictMoney(g.CancelOrderV2ResponseSchema));
export const amendedOrderSchema = lazySchema(() => strictMoney(g.AmendOrderV2ResponseSchema));
export const decreasedOrderSchema = lazySchema(() => strictMoney(g.DecreaseOrderV2ResponseSchema));
export const batchCreatedSchema = lazySchema(() => g.BatchCreateOrdersV2ResponseSchema.extend({ orders: z.array(strictMoney(g.BatchCreateOrdersV2ResponseSchema.shape.orders.element)) }));
export const batchCanceledSchema = lazySchema(() => g.BatchCancelOrdersV2ResponseSchema.extend({ orders: z.array(strictMoney(g.BatchCancelOrdersV2ResponseSchema.shape.orders.element)) }));

const bucket = lazySchema(() => z.object({ refill_rate: z.number().positive(), bucket_capacity: z.number().positive() }));
export const accountLimitsSchema = lazySchema(() => z.object({ usage_tier: z.string(), read: bucket, write: bucket }));

export const apiKeysSchema = lazySchema(() => g.GetApiKeysResponseSchema);
export const apiKeyCreatedSchema = lazySchema(() => g.CreateApiKeyResponseSchema);
export const apiKeyGeneratedSchema = lazySchema(() => g.GenerateApiKeyResponseSchema.extend({ private_key: z.string().includes('PRIVATE KEY') }));

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
      /** Page size, 1–1000 (the server's default when omitted). */
      limit: z.number().int().min(1).max(1000).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only the markets of this event. */
      eventTicker: ticker.optional(),
      /** Only the markets of this series. */
      seriesTicker: ticker.optional(),
      /** Only markets in this state. */
      status: z.enum(['unopened', 'open', 'paused', 'closed', 'settled']).optional(),
      /** Only these markets (up to 100). */
      tickers: z.array(ticker).max(100).optional(),
      /** Markets closing at or after this time: a `Date` or Unix seconds. */
      minCloseTs: unixSecondsInput.optional(),
      /** Markets closing at or before this time: a `Date` or Unix seconds. */
      maxCloseTs: unixSecondsInput.optional(),
    })
    .strict(),
);
export const tradesQuerySchema = lazySchema(() =>
  z
    .object({
      /** Page size, 1–1000 (the server's default when omitted). */
      limit: z.number().int().min(1).max(1000).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only the trades of this market. */
      ticker: ticker.optional(),
      /** Trades at or after this time: a `Date` or Unix seconds. */
      minTs: unixSecondsInput.optional(),
      /** Trades at or before this time: a `Date` or Unix seconds. */
      maxTs: unixSecondsInput.optional(),
      /** Only block trades (true) or only book trades (false). */
      isBlockTrade: z.boolean().optional(),
    })
    .strict(),
);
export const eventsQuerySchema = lazySchema(() =>
  z
    .object({
      /** Page size, 1–200 (the server's default when omitted). */
      limit: z.number().int().min(1).max(200).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only events in this state. */
      status: z.enum(['unopened', 'open', 'closed', 'settled']).optional(),
      /** Only the events of this series. */
      seriesTicker: ticker.optional(),
      /** Each event with its markets (`markets`). */
      withNestedMarkets: z.boolean().optional(),
    })
    .strict(),
);
export const positionsQuerySchema = lazySchema(() =>
  z
    .object({
      /** Page size, 1–1000 (the server's default when omitted). */
      limit: z.number().int().min(1).max(1000).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only the position in this market. */
      ticker: ticker.optional(),
      /** Only positions in the markets of this event. */
      eventTicker: ticker.optional(),
      /** Only positions whose `position` (held now) or `total_traded` is not zero. */
      countFilter: z.enum(['position', 'total_traded']).optional(),
    })
    .strict(),
);
export const fillsQuerySchema = lazySchema(() =>
  z
    .object({
      /** Page size, 1–1000 (the server's default when omitted). */
      limit: z.number().int().min(1).max(1000).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only the fills in this market. */
      ticker: ticker.optional(),
      /** Only the fills of this order. */
      orderId: z.string().optional(),
      /** Fills at or after this time: a `Date` or Unix seconds. */
      minTs: unixSecondsInput.optional(),
      /** Fills at or before this time: a `Date` or Unix seconds. */
      maxTs: unixSecondsInput.optional(),
    })
    .strict(),
);
export const ordersQuerySchema = lazySchema(() =>
  z
    .object({
      /** Page size, 1–1000 (the server's default when omitted). */
      limit: z.number().int().min(1).max(1000).optional(),
      /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
      cursor,
      /** Only orders in this market. */
      ticker: ticker.optional(),
      /** Only orders in the markets of this event. */
      eventTicker: ticker.optional(),
      /** Only orders in this state. */
      status: z.enum(['resting', 'canceled', 'executed']).optional(),
      /** Orders created at or after this time: a `Date` or Unix seconds. */
      minTs: unixSecondsInput.optional(),
      /** Orders created at or before this time: a `Date` or Unix seconds. */
      maxTs: unixSecondsInput.optional(),
    })
    .strict(),
);

export const createOrderInputSchema = lazySchema(() =>
  z
    .object({
      /** The market to trade. */
      ticker,
      /** YES-book side: `bid` buys YES, `ask` sells YES. */
      side: z.enum(['bid', 'ask']),
      /** Contracts: a decimal string or number with at most 2 decimals (`"10"`, `"2.5"`); never rounded. */
      count: countInput,
      /** The YES price, a dollar string strictly between 0 and 1 with 1–4 decimals (`"0.56"`). */
      price: priceInput,
      /** `good_till_canceled` rests; `immediate_or_cancel` fills what it can now; `fill_or_kill` fills all now or nothing. */
      timeInForce: z.enum(['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel']),
      /** What happens when it would trade with your own resting order (default `taker_at_cross`). */
      selfTradePrevention: z.enum(['taker_at_cross', 'maker']).default('taker_at_cross'),
      /** Your id of the order (the `client_order_id`, 1–64 characters); a UUID is made when none is given. Reused on every attempt. */
      clientOrderId: z.string().min(1).max(64).optional(),
      /** When a resting order expires: a `Date` or Unix seconds (see `unixSecondsInput`). */
      expirationTime: unixSecondsInput.optional(),
      /** Refused instead of taking liquidity: the order only rests. */
      postOnly: z.boolean().optional(),
      /** Only ever shrinks your position. */
      reduceOnly: z.boolean().optional(),
      /** Cancelled when trading in the market is paused. */
      cancelOrderOnPause: z.boolean().optional(),
      /** The subaccount to trade in: 0 (the primary account, default) to 63. */
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
