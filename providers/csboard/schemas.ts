/**
 * CSBoard wire shapes (reference/csboard.md §6, §12), optional where the two doc sets disagree.
 * Each result schema turns the wire's float money into exact `Money` under the same name and
 * drops fields it does not know (docs/results.md); its output is checked at compile time to be
 * exactly the hand-written type of types.ts, so the two cannot drift.
 */
import { z } from 'zod';
import { money, type Money } from '../../src/money.js';
import type * as t from './types.js';

const time = z.string().nullish();
/** A USD amount as the wire sends it: a finite JSON number. */
const usdNumber = z.number().finite();
/**
 * A USD amount as the client hands it out: exact `Money` from the number's shortest decimal
 * text (the text the server sent). A number `money` cannot read fails the parse at this field.
 */
const usd = usdNumber.transform((v, ctx): Money => {
  try {
    return money(v, 'USD');
  } catch {
    ctx.issues.push({ code: 'custom', message: 'not a USD amount', input: v });
    return z.NEVER;
  }
});
const status = z.string(); // known values plus new ones

/** True when A and B are the same type (mutual assignability would let optional pass for required). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
/** The schema itself, compiling only when what it parses to is exactly `T`. */
const outputIs =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : { 'schema output differs from': T })): S =>
    schema;
/** The schema itself, compiling only when what it accepts is exactly `T`. */
const inputIs =
  <T>() =>
  <S extends z.ZodType>(schema: S & (Same<z.input<S>, T> extends true ? unknown : { 'schema input differs from': T })): S =>
    schema;

export const API_KEY = /^csb_pub_[A-Za-z0-9_-]{4,200}$/;
export const WEARS = ['Factory New', 'Minimal Wear', 'Field-Tested', 'Well-Worn', 'Battle-Scarred'] as const satisfies readonly t.CsboardWear[];

export const healthSchema = outputIs<t.CsboardHealth>()(
  z.object({
    status: z.string(),
    groups: z.number().int(),
    price_list_age_seconds: z.number(),
    version: z.string().nullish(),
    server_now: time,
  }),
);

const stickerSchema = outputIs<t.CsboardSticker>()(z.object({ name: z.string(), image: z.string().nullish(), slot: z.number().int().nullish(), wear: z.number().nullish() }));

export const listingSchema = outputIs<t.CsboardListing>()(
  z.object({
    id: z.string(),
    market_hash_name: z.string(),
    wear: z.string().nullish(),
    doppler_phase: z.string().nullish(),
    float_value: z.number().nullish(),
    paint_seed: z.number().int().nullish(),
    stickers: z.array(stickerSchema).nullish(),
    price_usd: usd,
    category: z.string().nullish(),
    rarity: z.string().nullish(),
    image: z.string().nullish(),
    inspect_link: z.string().nullish(),
    tradable: z.boolean().nullish(),
    tradable_at: time,
    delivery: z.string().nullish(),
  }),
);
export const listingsPageSchema = outputIs<t.CsboardListingsPage>()(z.object({ items: z.array(listingSchema), next_cursor: z.string().nullable() }));

export const availabilitySchema = z.object({
  data: outputIs<t.CsboardAvailability>()(z.object({ available: z.record(z.string(), z.number().int()), unavailable_ids: z.array(z.string()) })),
});

/** A price row's fields, with the money field as given: the wire's number or exact Money. */
const priceRowShape = <U extends z.ZodType>(minPriceUsd: U) => ({
  market_hash_name: z.string(),
  wear: z.string().nullish(),
  doppler_phase: z.string().nullish(),
  min_price_usd: minPriceUsd,
  qty: z.number().int(),
});
/** A price row as the client hands it out (`min_price_usd` as Money). */
export const priceRowSchema = outputIs<t.CsboardPriceRow>()(z.object(priceRowShape(usd)));
/** A price row as the wire sends it (`min_price_usd` a number): what the snapshot's rows are checked by. */
export const priceRowWireSchema = z.object(priceRowShape(usdNumber));
/** A price row as the wire sends it. */
export type PriceRowWire = z.output<typeof priceRowWireSchema>;
export const pricesPageSchema = outputIs<t.CsboardPricesPage>()(z.object({ items: z.array(priceRowSchema), next_cursor: z.string().nullable() }));

/**
 * Exactly what `priceRowWireSchema` accepts, checked in place: a snapshot's 200,000 rows are
 * checked by this instead of being copied by the schema and then again into the row the caller
 * gets. The schema stays the source of truth (a row this refuses is parsed by it, which names
 * the bad field); test/unit/snapshot-rows.property.test.ts proves the two agree.
 */
export function isPriceRow(json: unknown): json is PriceRowWire {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const row = json as Record<string, unknown>;
  const wear = row['wear'];
  const phase = row['doppler_phase'];
  const price = row['min_price_usd'];
  return (
    typeof row['market_hash_name'] === 'string' &&
    (wear === undefined || wear === null || typeof wear === 'string') &&
    (phase === undefined || phase === null || typeof phase === 'string') &&
    typeof price === 'number' &&
    Number.isFinite(price) &&
    Number.isSafeInteger(row['qty'])
  );
}

/**
 * A checked wire row as the row the caller gets, field by field: one shape for every row and
 * no object spread (a spread of a parsed row was the slowest step of a snapshot and made V8
 * keep its garbage). Equal, key for key, to what `priceRowSchema` makes of the same row.
 */
export function priceRowFromWire(r: PriceRowWire): t.CsboardPriceRow {
  return {
    market_hash_name: r.market_hash_name,
    wear: r.wear,
    doppler_phase: r.doppler_phase,
    min_price_usd: money(r.min_price_usd, 'USD'),
    qty: r.qty,
  };
}

export const currencySchema = z.object({
  base: z.string(),
  rates: z.record(z.string(), z.number()),
  updated_at: z.string(),
  rub_source: z.string().nullish(),
  base_source: z.string().nullish(),
});

export const balanceSchema = outputIs<t.CsboardBalance>()(
  z.object({
    currency: z.string(),
    balance_usd: usd,
    trading_enabled: z.boolean(),
    settled_balance_usd: usd,
    held_usd: usd,
    held_until: time,
  }),
);

export const orderItemSchema = outputIs<t.CsboardOrderItem>()(
  z.object({
    market_hash_name: z.string(),
    price_usd: usd,
    status,
    tradable_at: time,
    return_reason: z.string().nullish(),
    steam_trade_offer_id: z.string().nullish(),
    steam_trade_offer_finished_at: time,
  }),
);
export const orderSchema = outputIs<t.CsboardOrder>()(
  z.object({
    order_id: z.string(),
    steam_id: z.string().nullish(),
    status,
    custom_id: z.string().nullish(),
    currency: z.string(),
    charged_total_usd: usd,
    item_count: z.number().int(),
    hold_until: time,
    created_at: z.string(),
    updated_at: time,
    items: z.array(orderItemSchema),
  }),
);
export const ordersPageSchema = outputIs<t.CsboardOrdersPage>()(
  z.object({ data: z.array(orderSchema), meta: outputIs<t.CsboardOrdersPageMeta>()(z.object({ next_cursor: z.string().nullable(), per_page: z.number().int().optional() })) }),
);
export const ordersInfoSchema = z.object({ data: z.array(orderSchema) });
/**
 * `GET /v1/orders/{id}`: the bare Order the docs show, or one wrapped in `{ data }`. Unwrapped
 * before parsing (not a union), so a bad field is named (`items.0.price_usd`), not `(body)`.
 */
export const orderEnvelopeSchema = outputIs<t.CsboardOrder>()(
  z.preprocess((v) => (typeof v === 'object' && v !== null && !('order_id' in v) && 'data' in v ? (v as { data: unknown }).data : v), orderSchema),
);

const placedOrderItemSchema = outputIs<t.CsboardPlacedOrderItem>()(z.object({ item_id: z.string(), charged_usd: usd, delivery: z.string().nullish() }));
/** The answer of `POST /v1/orders`; the client adds `idempotencyKey`. */
export const placedOrderSchema = outputIs<Omit<t.CsboardPlacedOrder, 'idempotencyKey'>>()(
  z.object({
    order_id: z.string(),
    status,
    items: z.array(placedOrderItemSchema).nullish(),
    total_charged_usd: usd,
    balance_after_usd: usd.nullish(),
    created_at: time,
  }),
);

const marketBuySkinSchema = outputIs<t.CsboardMarketBuySkin>()(
  z.object({ name: z.string(), price: usd, status, return_reason: z.string().nullish(), steam_trade_offer_id: z.string().nullish() }),
);
/** The answer of `POST /v1/market/buy`; the client unwraps `data` and adds `customId`. */
export const marketBuySchema = z.object({
  data: outputIs<Omit<t.CsboardMarketBuy, 'customId'>>()(
    z.object({
      purchase_id: z.string(),
      steam_id: z.string().nullish(),
      created_at: time,
      custom_id: z.string().nullish(),
      skins: z.array(marketBuySkinSchema),
    }),
  ),
});

export const claimSchema = outputIs<t.CsboardClaim>()(z.object({ order_id: z.string(), status, claimed: z.boolean(), steam_trade_offer_id: z.string().nullish() }));

/**
 * An error body: `{code, detail}` and the documented extra fields (§4). Each field is read on its
 * own, so an extra field of an unexpected shape is dropped without losing `code` (a `price_moved`
 * must stay an `OrderRejectedError`); anything else is dropped too.
 */
export const errorBodySchema = z.object({
  code: z.string().optional().catch(undefined),
  detail: z.string().optional().catch(undefined),
  current_total_usd: usd.optional().catch(undefined),
  required_usd: usd.optional().catch(undefined),
  settled_usd: usd.optional().catch(undefined),
  hold_until: z.string().optional().catch(undefined),
  refunded: z.boolean().optional().catch(undefined),
});

// ---- inputs ----
// Every input has a bound, checked before anything is sent (docs/csboard.md, "Input bounds").
// The documented ones come from reference/csboard.md §6; the rest are ours, far above any
// real value and far below what would hurt (a megabyte query, a 1e21 price).

/** The largest USD amount the client sends (a price cap or a filter): 1,000,000 USD. */
export const MAX_USD = 1_000_000;
/** The latest Unix time the order-history filters take (2100-01-01T00:00:00Z). */
export const MAX_UNIX_TIME = 4_102_444_800;

/** No control characters (C0, DEL, C1). */
const NO_CONTROL = /^\P{Cc}*$/u;
/** Free text for a query: at most `max` characters, no control characters. */
const text = (max: number) => z.string().max(max).regex(NO_CONTROL, 'no control characters');
/** At most two decimals, tolerating binary noise (0.1 + 0.2). */
const cents = (v: number): boolean => Math.abs(Math.round(v * 100) - v * 100) < 1e-6;

const listingId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'a listing id such as itm_8841201');
const uniqueIds = (min: number, max: number) =>
  z
    .array(listingId)
    .min(min)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique');
/** A USD price filter: 0 to MAX_USD, cents at most. */
const priceFilter = z.number().nonnegative().max(MAX_USD, `at most ${MAX_USD} USD`).refine(cents, 'at most two decimals (cents)');
const cursor = z.string().min(1).max(2000).regex(NO_CONTROL, 'an opaque cursor as the server sent it').optional();
/** A USD amount the caller sends: positive, at most MAX_USD, at most two decimals. */
export const usdInput = z.number().positive().max(MAX_USD, `at most ${MAX_USD} USD`).refine(cents, 'at most two decimals (cents)');
/**
 * `custom_id` (documented 1–128 characters). No comma: `getOrdersInfo` sends custom ids
 * comma-joined, so one with a comma could never be looked up.
 */
const customId = z.string().min(1).max(128).regex(/^[^,\p{Cc}]+$/u, 'no commas or control characters');
/** Sent as the `Idempotency-Key` header: visible ASCII only. */
const idempotencyKey = z.string().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only (it is an HTTP header)');
/** An `If-None-Match` header value, as the server sent it. */
export const etagInput = z.string().min(1).max(500).regex(/^[\x20-\x7e]+$/, 'an ETag as the server sent it');

/** The filters listings and prices share. */
const itemFilters = {
  search: text(200).optional(),
  category: text(100).optional(),
  wear: z.enum(WEARS).optional(),
  rarity: text(100).optional(),
  minPrice: priceFilter.optional(),
  maxPrice: priceFilter.optional(),
};
const priceRangeOk = (v: { minPrice?: number | undefined; maxPrice?: number | undefined }): boolean =>
  v.minPrice === undefined || v.maxPrice === undefined || v.minPrice <= v.maxPrice;
const priceRange = { message: 'minPrice must not be above maxPrice', path: ['minPrice'] };

export const listingsQuerySchema = inputIs<t.CsboardListingsQuery>()(
  z
    .object({
      ...itemFilters,
      minFloat: z.number().min(0).max(1).optional(),
      maxFloat: z.number().min(0).max(1).optional(),
      statTrak: z.enum(['only', 'exclude']).optional(),
      souvenir: z.enum(['only', 'exclude']).optional(),
      sort: z.enum(['id', 'newest', 'price_asc', 'price_desc']).optional(),
      cursor,
      limit: z.number().int().min(1).max(200).optional(),
    })
    .strict()
    .refine(priceRangeOk, priceRange)
    .refine((v) => v.minFloat === undefined || v.maxFloat === undefined || v.minFloat <= v.maxFloat, { message: 'minFloat must not be above maxFloat', path: ['minFloat'] }),
);

export const pricesQuerySchema = inputIs<t.CsboardPricesQuery>()(
  z
    .object({
      ...itemFilters,
      cursor,
      limit: z.number().int().min(1).max(500).optional(),
    })
    .strict()
    .refine(priceRangeOk, priceRange),
);

export const availabilityInputSchema = uniqueIds(1, 100);

export const placeOrderSchema = inputIs<t.CsboardPlaceOrder>()(
  z
    .object({
      itemIds: uniqueIds(1, 10),
      maxPriceUsd: usdInput.nullable(),
      allowUncapped: z.literal(true).optional(),
      idempotencyKey: idempotencyKey.optional(),
    })
    .strict()
    .refine((v) => v.maxPriceUsd !== null || v.allowUncapped === true, {
      message: 'maxPriceUsd is required; pass maxPriceUsd: null with allowUncapped: true to buy without a cap',
      path: ['maxPriceUsd'],
    }),
);

export const marketBuyInputSchema = inputIs<t.CsboardMarketBuyInput>()(
  z
    .object({
      itemIds: uniqueIds(1, 100),
      // The two halves of a Steam trade URL (…/tradeoffer/new/?partner=…&token=…), 1–32 each.
      partner: z.string().min(1).max(32).regex(/^[0-9]+$/, 'the digits of the trade URL partner value'),
      token: z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/, 'the trade URL token value (letters, digits, _ and -)'),
      maxPriceUsd: usdInput.nullable(),
      allowUncapped: z.literal(true).optional(),
      customId: customId.optional(),
      skipUnavailable: z.boolean().optional(),
    })
    .strict()
    .refine((v) => v.maxPriceUsd !== null || v.allowUncapped === true, {
      message: 'maxPriceUsd is required; pass maxPriceUsd: null with allowUncapped: true to buy without a cap',
      path: ['maxPriceUsd'],
    }),
);

const unixTime = z.number().int().nonnegative().max(MAX_UNIX_TIME, 'a Unix time in seconds, at most 2100-01-01');
export const ordersQuerySchema = inputIs<t.CsboardOrdersQuery>()(
  z
    .object({
      limit: z.number().int().min(1).max(100).optional(),
      startUnixTime: unixTime.optional(),
      endUnixTime: unixTime.optional(),
      status: z.enum(['completed', 'hold', 'delivering', 'pending', 'cancelled', 'failed']).optional(),
      cursor,
    })
    .strict()
    .refine((v) => v.startUnixTime === undefined || v.endUnixTime === undefined || v.startUnixTime <= v.endUnixTime, {
      message: 'startUnixTime must not be after endUnixTime',
      path: ['startUnixTime'],
    }),
);

export const orderIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'an order id such as ord_01J9Z3K8Q2');

export const ordersInfoInputSchema = inputIs<t.CsboardOrdersInfoQuery>()(
  z
    .object({ orderIds: z.array(orderIdSchema).max(200).optional(), customIds: z.array(customId).max(200).optional() })
    .strict()
    .refine((v) => (v.orderIds?.length ?? 0) + (v.customIds?.length ?? 0) >= 1, 'give at least one order id or custom id')
    .refine((v) => (v.orderIds?.length ?? 0) + (v.customIds?.length ?? 0) <= 200, 'at most 200 ids in total'),
);
