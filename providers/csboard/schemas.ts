/** CSBoard wire shapes (reference/csboard.md §6, §12). Optional where the two doc sets disagree. */
import { z } from 'zod';

const time = z.string().nullish();
const usd = z.number().finite();
const status = z.string(); // known values plus new ones

export const API_KEY = /^csb_pub_[A-Za-z0-9_-]{4,200}$/;
export const WEARS = ['Factory New', 'Minimal Wear', 'Field-Tested', 'Well-Worn', 'Battle-Scarred'] as const;

export const healthSchema = z.object({
  status: z.string(),
  groups: z.number().int(),
  price_list_age_seconds: z.number(),
  version: z.string().nullish(),
  server_now: time,
});

export const listingSchema = z.object({
  id: z.string(),
  market_hash_name: z.string(),
  wear: z.string().nullish(),
  doppler_phase: z.string().nullish(),
  float_value: z.number().nullish(),
  paint_seed: z.number().int().nullish(),
  stickers: z.array(z.object({ name: z.string(), image: z.string().nullish(), slot: z.number().int().nullish(), wear: z.number().nullish() })).nullish(),
  price_usd: usd,
  category: z.string().nullish(),
  rarity: z.string().nullish(),
  image: z.string().nullish(),
  inspect_link: z.string().nullish(),
  tradable: z.boolean().nullish(),
  tradable_at: time,
  delivery: z.string().nullish(),
});
export const listingsPageSchema = z.object({ items: z.array(listingSchema), next_cursor: z.string().nullable() });

export const availabilitySchema = z.object({
  data: z.object({ available: z.record(z.string(), z.number().int()), unavailable_ids: z.array(z.string()) }),
});

export const priceRowSchema = z.object({
  market_hash_name: z.string(),
  wear: z.string().nullish(),
  doppler_phase: z.string().nullish(),
  min_price_usd: usd,
  qty: z.number().int(),
});
export const pricesPageSchema = z.object({ items: z.array(priceRowSchema), next_cursor: z.string().nullable() });

/**
 * Exactly what `priceRowSchema` accepts, checked in place: a snapshot's 200,000 rows are
 * checked by this instead of being copied by the schema and then again into the row the caller
 * gets. The schema stays the source of truth (a row this refuses is parsed by it, which names
 * the bad field); test/unit/snapshot-rows.property.test.ts proves the two agree.
 */
export function isPriceRow(json: unknown): json is z.output<typeof priceRowSchema> {
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

export const currencySchema = z.object({
  base: z.string(),
  rates: z.record(z.string(), z.number()),
  updated_at: z.string(),
  rub_source: z.string().nullish(),
  base_source: z.string().nullish(),
});

export const balanceSchema = z.object({
  currency: z.string(),
  balance_usd: usd,
  trading_enabled: z.boolean(),
  settled_balance_usd: usd,
  held_usd: usd,
  held_until: time,
});

export const orderItemSchema = z.object({
  market_hash_name: z.string(),
  price_usd: usd,
  status,
  tradable_at: time,
  return_reason: z.string().nullish(),
  steam_trade_offer_id: z.string().nullish(),
  steam_trade_offer_finished_at: time,
});
export const orderSchema = z.object({
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
});
export const ordersPageSchema = z.object({ data: z.array(orderSchema), meta: z.object({ next_cursor: z.string().nullable(), per_page: z.number().int().optional() }) });
export const ordersInfoSchema = z.object({ data: z.array(orderSchema) });
export const orderEnvelopeSchema = z.union([z.object({ data: orderSchema }).transform((v) => v.data), orderSchema]);

export const placedOrderSchema = z.object({
  order_id: z.string(),
  status,
  items: z.array(z.object({ item_id: z.string(), charged_usd: usd, delivery: z.string().nullish() })).nullish(),
  total_charged_usd: usd,
  balance_after_usd: usd.nullish(),
  created_at: time,
});

export const marketBuySchema = z.object({
  data: z.object({
    purchase_id: z.string(),
    steam_id: z.string().nullish(),
    created_at: time,
    custom_id: z.string().nullish(),
    skins: z.array(z.object({ name: z.string(), price: usd, status, return_reason: z.string().nullish(), steam_trade_offer_id: z.string().nullish() })),
  }),
});

export const claimSchema = z.object({ order_id: z.string(), status, claimed: z.boolean(), steam_trade_offer_id: z.string().nullish() });

export const errorBodySchema = z
  .object({
    code: z.string().optional(),
    detail: z.string().optional(),
    current_total_usd: z.number().optional(),
    required_usd: z.number().optional(),
    settled_usd: z.number().optional(),
    hold_until: z.string().optional(),
    refunded: z.boolean().optional(),
  })
  .passthrough();

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

export const listingsQuerySchema = z
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
  .refine((v) => v.minFloat === undefined || v.maxFloat === undefined || v.minFloat <= v.maxFloat, { message: 'minFloat must not be above maxFloat', path: ['minFloat'] });

export const pricesQuerySchema = z
  .object({
    ...itemFilters,
    cursor,
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict()
  .refine(priceRangeOk, priceRange);

export const availabilityInputSchema = uniqueIds(1, 100);

export const placeOrderSchema = z
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
  });

export const marketBuyInputSchema = z
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
  });

const unixTime = z.number().int().nonnegative().max(MAX_UNIX_TIME, 'a Unix time in seconds, at most 2100-01-01');
export const ordersQuerySchema = z
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
  });

export const orderIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'an order id such as ord_01J9Z3K8Q2');

export const ordersInfoInputSchema = z
  .object({ orderIds: z.array(orderIdSchema).max(200).optional(), customIds: z.array(customId).max(200).optional() })
  .strict()
  .refine((v) => (v.orderIds?.length ?? 0) + (v.customIds?.length ?? 0) >= 1, 'give at least one order id or custom id')
  .refine((v) => (v.orderIds?.length ?? 0) + (v.customIds?.length ?? 0) <= 200, 'at most 200 ids in total');
