/** CS2Cap wire shapes (reference/cs2cap.md §5–§6). Unknown provider keys and enum values parse. */
import { z } from 'zod';
import type * as i from './inputs.js';
import type * as n from './notifications.js';
import { inputIs, outputIs } from './type-match.js';
import { DECIMAL_TEXT } from '../../src/money.js';

const isoTime = z.string().nullish();
// What money() reads, and nothing else: a row it cannot convert fails here, naming its field.
const decimalString = z.string().regex(DECIMAL_TEXT, 'a decimal string').nullish();

export const PHASES = ['Phase 1', 'Phase 2', 'Phase 3', 'Phase 4', 'Sapphire', 'Ruby', 'Black Pearl', 'Emerald'] as const;

export const paginationSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int().optional(),
  total: z.number().int().optional(),
  has_next: z.boolean(),
  has_prev: z.boolean().optional(),
  next_cursor: z.string().nullish(),
});

const pricesMetaSchema = z.object({
  currency: z.string(),
  filters: z
    .object({ item_id: z.number().int().nullish(), market_hash_name: z.string().nullish(), phase: z.string().nullish(), requested_providers: z.array(z.string()).nullish() })
    .optional(),
  providers_queried: z.array(z.string()).optional(),
});

export const marketItemSchema = z.object({
  provider: z.string(),
  item_id: z.number().int(),
  market_hash_name: z.string(),
  phase: z.string().nullish(),
  lowest_ask: z.number().int(),
  lowest_ask_decimal: decimalString,
  quantity: z.number().int(),
  link: z.string().nullish(),
  url: z.string().nullish(),
  timestamp: isoTime,
  last_updated: isoTime,
});

export const buyOrderItemSchema = z.object({
  provider: z.string(),
  item_id: z.number().int(),
  market_hash_name: z.string(),
  phase: z.string().nullish(),
  highest_bid: z.number().int(),
  highest_bid_decimal: decimalString,
  num_bids: z.number().int(),
  timestamp: isoTime,
  last_updated: isoTime,
});

const nullishText = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const nullishDecimal = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && DECIMAL_TEXT.test(v));
const isRecord = (json: unknown): json is Record<string, unknown> => typeof json === 'object' && json !== null && !Array.isArray(json);

/**
 * Exactly what `marketItemSchema` accepts, checked in place: the rows of a bulk stream are
 * checked by this instead of being copied by the schema and then again into the row the
 * caller gets. The schema stays the source of truth (a row this refuses is parsed by it, which
 * names the bad field); test/unit/snapshot-rows.property.test.ts proves the two agree.
 */
export function isMarketItem(json: unknown): json is z.output<typeof marketItemSchema> {
  if (!isRecord(json)) return false;
  return (
    typeof json['provider'] === 'string' &&
    Number.isSafeInteger(json['item_id']) &&
    typeof json['market_hash_name'] === 'string' &&
    nullishText(json['phase']) &&
    Number.isSafeInteger(json['lowest_ask']) &&
    nullishDecimal(json['lowest_ask_decimal']) &&
    Number.isSafeInteger(json['quantity']) &&
    nullishText(json['link']) &&
    nullishText(json['url']) &&
    nullishText(json['timestamp']) &&
    nullishText(json['last_updated'])
  );
}

/** Exactly what `buyOrderItemSchema` accepts, checked in place (see `isMarketItem`). */
export function isBuyOrderItem(json: unknown): json is z.output<typeof buyOrderItemSchema> {
  if (!isRecord(json)) return false;
  return (
    typeof json['provider'] === 'string' &&
    Number.isSafeInteger(json['item_id']) &&
    typeof json['market_hash_name'] === 'string' &&
    nullishText(json['phase']) &&
    Number.isSafeInteger(json['highest_bid']) &&
    nullishDecimal(json['highest_bid_decimal']) &&
    Number.isSafeInteger(json['num_bids']) &&
    nullishText(json['timestamp']) &&
    nullishText(json['last_updated'])
  );
}

export const pricesPageSchema = z.object({ meta: pricesMetaSchema, items: z.array(marketItemSchema), pagination: paginationSchema });
export const bidsPageSchema = z.object({ meta: pricesMetaSchema, items: z.array(buyOrderItemSchema), pagination: paginationSchema });

export const batchPricesSchema = z.object({
  meta: z.object({
    currency: z.string(),
    requested_item_count: z.number().int().optional(),
    found_item_count: z.number().int().optional(),
    providers_queried: z.array(z.string()).optional(),
    generated_at: isoTime,
  }),
  items: z.array(
    z.object({
      item_id: z.number().int(),
      market_hash_name: z.string(),
      phase: z.string().nullish(),
      quotes: z.array(
        z.object({
          provider: z.string(),
          lowest_ask: z.number().int(),
          lowest_ask_decimal: decimalString,
          quantity: z.number().int(),
          timestamp: isoTime,
          last_updated: isoTime,
        }),
      ),
    }),
  ),
  items_not_found: z.array(z.number().int()).default([]),
  names_not_found: z.array(z.string()).nullish(),
});

export const priceHistoryPageSchema = z.object({
  meta: z.object({
    currency: z.string(),
    filters: z
      .object({ item_id: z.number().int().nullish(), market_hash_name: z.string().nullish(), phase: z.string().nullish(), provider: z.string().nullish(), start: isoTime, end: isoTime })
      .optional(),
    result_count: z.number().int().optional(),
  }),
  items: z.array(
    z.object({
      item_id: z.number().int(),
      market_hash_name: z.string(),
      phase: z.string().nullish(),
      provider: z.string(),
      time: z.string(),
      price: z.number().int(),
      currency: z.string(),
      quantity: z.number().int(),
    }),
  ),
  pagination: paginationSchema,
});

/** `GET /v1/prices/candles`: composite OHLCV across all marketplaces, oldest first, not paginated. */
export const candlesPageSchema = z.object({
  meta: z
    .object({
      item_id: z.number().int(),
      market_hash_name: z.string(),
      phase: z.string().nullish(),
      provider: z.string().default('All Providers'),
      currency: z.string(),
      interval: z.string(),
      start: z.string(),
      end: z.string(),
    }),
  data: z.array(
    z.object({
      t: z.number().int(),
      o: z.number().int(),
      h: z.number().int(),
      l: z.number().int(),
      c: z.number().int(),
      v: z.number().int(),
      q: z.number().int().nullish(),
      providers: z.object({ o: z.string().default('unknown'), h: z.string(), l: z.string(), c: z.string().default('unknown') }),
    }),
  ),
});

export const salesPageSchema = z.object({
  meta: z.object({
    currency: z.string(),
    filters: z
      .object({
        item_id: z.number().int().nullish(),
        market_hash_name: z.string().nullish(),
        phase: z.string().nullish(),
        requested_providers: z.array(z.string()).nullish(),
        min_float: z.number().nullish(),
        max_float: z.number().nullish(),
        paint_seed: z.number().int().nullish(),
        stickers: z.array(z.string()).nullish(),
        charms: z.string().nullish(),
        limit: z.number().int().optional(),
      })
      .optional(),
    providers_queried: z.array(z.string()).optional(),
    result_count: z.number().int().optional(),
  }),
  items: z.array(
    z.object({
      date: z.string(),
      provider: z.string(),
      price: z.number().int(),
      currency: z.string(),
      item_id: z.number().int(),
      market_hash_name: z.string(),
      phase: z.string().nullish(),
      float: z.number().nullish(),
      paint_seed: z.number().int().nullish(),
      stickers: z.array(z.object({ name: z.string(), slot: z.number().int().nullish(), wear: z.number().nullish() })).nullish(),
      charms: z.array(z.object({ name: z.string(), pattern_id: z.number().nullish() })).nullish(),
      inspect: z.object({ in_game: z.string().nullish(), screenshot_front: z.string().nullish(), screenshot_back: z.string().nullish() }).nullish(),
    }),
  ),
  pagination: paginationSchema,
});

export const itemsPageSchema = z.object({
  items: z.array(
    z.object({
      item_id: z.number().int().nullish(),
      market_hash_name: z.string(),
      phase: z.string().nullish(),
      item_type: z.string().nullish(),
      item_subtype: z.string().nullish(),
      weapon_type: z.string().nullish(),
      base_name: z.string().nullish(),
      skin_name: z.string().nullish(),
      wear_name: z.string().nullish(),
      def_index: z.string().nullish(),
      paint_index: z.number().int().nullish(),
      collection: z.string().nullish(),
      collection_image: z.string().nullish(),
      crates: z.array(z.string()).nullish(),
      crates_images: z.array(z.string()).nullish(),
      release_date: z.string().nullish(),
      rarity_name: z.string().nullish(),
      rarity_color: z.string().nullish(),
      style_name: z.string().nullish(),
      is_stattrak: z.boolean().nullish(),
      is_souvenir: z.boolean().nullish(),
      min_float: z.number().nullish(),
      max_float: z.number().nullish(),
      image_url: z.string().nullish(),
      supply: z.number().int().nullish(),
    }),
  ),
  pagination: paginationSchema,
});

export const providerInfoSchema = z.object({
  key: z.string(),
  logo: z.string().optional(),
  code: z.string().nullish(),
  market_type: z.string().nullish(),
  default_currency: z.string().nullish(),
  fees: z.object({ sell_fee: z.number().nullish(), insta_sell_fee: z.number().nullish(), trading_spread_fee: z.number().nullish() }),
  features: z.object({ has_buy_orders: z.boolean().nullish(), has_recent_sales: z.boolean().nullish() }),
  health: z.object({
    status: z.string(),
    last_checked_at: isoTime,
    total_offers: z.number().int().nullish(),
    unique_items: z.number().int().nullish(),
    market_coverage: z.number().nullish(),
    total_value: z.number().int().nullish(),
    total_value_usd: z.number().int().nullish(),
  }),
});
export const providersSchema = z.record(z.string(), providerInfoSchema);

export const fxSchema = z.object({ timestamp: isoTime, rates: z.record(z.string(), z.number()) });

export const apiKeyInfoSchema = z.object({
  id: z.string(),
  key_prefix: z.string(),
  name: z.string().nullish(),
  root_key_id: z.string().nullish(),
  is_root_key: z.boolean().default(true),
  is_active: z.boolean(),
  created_at: z.string(),
  last_used_at: isoTime,
  expires_at: isoTime,
  quota_requests_per_month_override: z.number().int().nullish(),
  rate_requests_per_minute_override: z.number().int().nullish(),
  effective_quota_requests_per_month: z.number().int().default(0),
  effective_rate_requests_per_minute: z.number().int().default(0),
});
export const keyInfoSchema = z.object({ key: apiKeyInfoSchema });

export const API_KEY = /^sk_[A-Za-z0-9_-]{4,200}$/;

export const reissueSchema = z.object({
  key: z.string().regex(API_KEY, 'not an sk_ key'),
  key_prefix: z.string(),
  id: z.string(),
  created_at: z.string(),
  message: z.string().nullish(),
});

export const subKeyListSchema = z.object({
  keys: z.array(z.object({ key: apiKeyInfoSchema, requests_this_month: z.number().int().nullish() })),
  pagination: paginationSchema,
});
export const subKeyCreatedSchema = z.object({ key: z.string().regex(API_KEY, 'not an sk_ key'), key_info: apiKeyInfoSchema, message: z.string().nullish() });
export const subKeyRevokedSchema = z.object({ ok: z.boolean(), key_id: z.string().optional(), revoked_at: isoTime });

// ---- market analytics (§6.5): USD major-unit decimal strings ----
const usdDecimal = z.string().regex(/^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$/, 'a USD decimal string');
export const arbitragePageSchema = z.object({
  meta: z
    .object({ generated_at: z.string(), data_source: z.string(), freshness_sec: z.number().int(), window: z.object({ timeframe: z.string().nullish() }).nullish() }),
  data: z.object({
    items: z.array(
      z
        .object({
          item_id: z.number().int(),
          market_hash_name: z.string(),
          phase: z.string().nullish(),
          buy_provider: z.string(),
          sell_provider: z.string(),
          buy_price_usd: usdDecimal,
          sell_price_usd: usdDecimal,
          gross_spread_pct: z.number(),
          estimated_fees_usd: usdDecimal,
          net_profit_usd: usdDecimal,
          last_updated: z.string(),
        }),
    ),
  }),
  pagination: paginationSchema,
});

// ---- alerts (§6.9; exempt from the monthly quota) ----
const alertItem = outputIs<n.Cs2CapAlertItem>()(z.object({ item_id: z.number().int(), market_hash_name: z.string(), phase: z.string().nullish() }));
const decimalText = z.string().regex(DECIMAL_TEXT, 'a decimal string');
export const alertSchema = outputIs<n.Cs2CapAlert>()(
  z.object({
    id: z.string(),
    kind: z.string(),
    threshold_value: decimalText,
    threshold_currency: z.string().nullish(),
    is_enabled: z.boolean(),
    last_triggered_at: isoTime,
    created_at: z.string(),
    updated_at: z.string(),
    item: alertItem,
  }),
);
export const alertListSchema = z.object({ alerts: z.array(alertSchema), pagination: paginationSchema });
export const alertBatchSchema = outputIs<n.Cs2CapAlertBatchResult>()(
  z.object({
    created: z.number().int(),
    failed: z.number().int(),
    results: z.array(z.object({ index: z.number().int(), status: z.string(), alert_id: z.string().nullish(), code: z.string().nullish(), message: z.string().nullish() })),
  }),
);
export const alertDeletedSchema = z.object({ ok: z.boolean() });
const alertEventSchema = outputIs<n.Cs2CapAlertEvent>()(
  z.object({
    id: z.string(),
    alert_id: z.string(),
    kind: z.string(),
    item: alertItem,
    triggered_value: decimalText,
    triggered_currency: z.string().nullish(),
    reason: z.string().nullish(),
    created_at: z.string(),
    deliveries: z.array(outputIs<n.Cs2CapAlertEventDelivery>()(z.object({ channel: z.string(), status: z.string(), delivery_id: z.string().nullish(), endpoint_id: z.string().nullish() }))),
  }),
);
export const alertEventsSchema = z.object({ events: z.array(alertEventSchema), pagination: paginationSchema });

// ---- webhooks (Quant; §6.11) ----
export const webhookSummarySchema = outputIs<n.Cs2CapWebhook>()(
  z.object({
    id: z.string(),
    label: z.string(),
    url: z.string(),
    platform: z.string(),
    secret_last4: z.string().nullish(),
    is_active: z.boolean(),
    last_success_at: isoTime,
    last_failure_at: isoTime,
    last_failure_message: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
  }),
);
export const webhookListSchema = z.object({ webhooks: z.array(webhookSummarySchema) });
export const webhookWithSecretSchema = z.object({ webhook: webhookSummarySchema, secret: z.string().min(1) });
export const webhookDeletedSchema = z.object({ ok: z.boolean() });
const deliverySummary = {
  id: z.string(),
  event_id: z.string().nullish(),
  endpoint_id: z.string(),
  endpoint_label: z.string().nullish(),
  endpoint_url: z.string().nullish(),
  platform: z.string().nullish(),
  event_type: z.string(),
  status: z.string(),
  attempt_count: z.number().int(),
  last_http_status: z.number().int().nullish(),
  error: z.string().nullish(),
  next_attempt_at: isoTime,
  created_at: z.string(),
  completed_at: isoTime,
};
export const webhookDeliveriesSchema = z.object({ deliveries: z.array(outputIs<n.Cs2CapWebhookDeliverySummary>()(z.object(deliverySummary))), pagination: paginationSchema });
export const webhookDeliverySchema = outputIs<n.Cs2CapWebhookDeliveryRecord>()(
  z.object({
    ...deliverySummary,
    payload: z.object({ alert_id: z.union([z.string(), z.number()]).optional(), item_id: z.number().optional(), market_hash_name: z.string().optional() }).nullish(),
    attempts: z
      .array(z.object({ attempt_number: z.number().int(), status: z.string(), http_status: z.number().int().nullish(), error: z.string().nullish(), response_body_excerpt: z.string().nullish(), created_at: z.string() }))
      .default([]),
  }),
);

export const errorBodySchema = z.object({
  code: z.string().optional(),
  detail: z.union([z.string(), z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string().optional() }).passthrough())]).optional(),
});

// ---- inputs ----
// Every text, money and number input has a bound (docs/cs2cap.md, "Input bounds"), checked
// before anything is sent: the API documents few (a sub-key name is 1..100 characters),
// so the rest are maxima no real value comes near.
/** The largest id, count or offset accepted: a signed 32-bit integer, as the API's ids are. */
export const MAX_INT_INPUT = 2_147_483_647;
/** Characters of an item name or a name search (the longest CS2 market hash name is under 150). */
export const MAX_NAME_CHARS = 300;
/** Characters of a catalog filter (`itemType`, `wearName`, …: enum-like words). */
export const MAX_FILTER_CHARS = 100;
/** Characters of a `cursor` (the API's are about 40). */
export const MAX_CURSOR_CHARS = 4_096;
/** Characters of a timestamp (`start`, `end`). */
export const MAX_TIME_CHARS = 64;
/** Characters of a webhook URL. */
export const MAX_URL_CHARS = 2_048;
/** Entries of a marketplace list (`providers`, `providersBuy`, `providersSell`; the API knows about 40). */
export const MAX_PROVIDERS = 60;
/** Sticker names of a sales filter (a weapon has five sticker slots). */
export const MAX_STICKERS = 10;
/** The widest `minSpreadPct`, in percent. */
export const MAX_SPREAD_PCT = 10_000;

const count = z.number().int().min(0).max(MAX_INT_INPUT);
const positiveInt = z.number().int().min(1).max(MAX_INT_INPUT);
const providerKey = z.string().regex(/^[a-z0-9_]{1,40}$/, 'a provider key such as "steam" or "buff163"');
/** Marketplace keys, at most `MAX_PROVIDERS`. */
export const providerListSchema = z.array(providerKey).max(MAX_PROVIDERS);
const currency = z.string().regex(/^[A-Za-z]{3,5}$/, 'a currency code such as "USD"');
const nameText = z.string().min(1).max(MAX_NAME_CHARS);
const filterText = z.string().min(1).max(MAX_FILTER_CHARS);
const cursor = z.string().min(1).max(MAX_CURSOR_CHARS);
const item = {
  marketHashName: nameText.optional(),
  itemId: positiveInt.optional(),
  phase: z.enum(PHASES).optional(),
};
const needsItem = (v: { marketHashName?: string | undefined; itemId?: number | undefined }): boolean => v.marketHashName !== undefined || v.itemId !== undefined;

export const pricesQuerySchema = inputIs<i.Cs2CapPricesQuery>()(
  z
  .object({
    ...item,
    providers: providerListSchema.optional(),
    currency: currency.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: count.optional(),
  })
  .strict()
  .refine(needsItem, { message: 'give marketHashName or itemId', path: ['marketHashName'] }),
);

export const batchQuerySchema = inputIs<i.Cs2CapBatchQuery>()(
  z
  .object({
    itemIds: z.array(positiveInt).max(100).optional(),
    marketHashNames: z.array(nameText).max(100).optional(),
    providers: providerListSchema.optional(),
    currency: currency.optional(),
  })
  .strict()
  .refine((v) => (v.itemIds?.length ?? 0) + (v.marketHashNames?.length ?? 0) >= 1, { message: 'give at least one item id or name', path: ['itemIds'] })
  .refine((v) => (v.itemIds?.length ?? 0) + (v.marketHashNames?.length ?? 0) <= 100, { message: 'at most 100 items per batch', path: ['itemIds'] }),
);

export const historyQuerySchema = inputIs<i.Cs2CapHistoryQuery>()(
  z
  .object({
    ...item,
    provider: providerKey.optional(),
    start: z.string().min(1).max(MAX_TIME_CHARS).optional(),
    end: z.string().min(1).max(MAX_TIME_CHARS).optional(),
    currency: currency.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: cursor.optional(),
  })
  .strict(),
);

/** The longest lookback per interval, in days (the server's retention). */
export const CANDLE_MAX_DAYS = { '5m': 7, '1h': 30, '1d': 365 } as const;
const dateTime = z.iso.datetime({ offset: true }).max(MAX_TIME_CHARS);
export const candlesQuerySchema = inputIs<i.Cs2CapCandlesQuery>()(
  z
  .object({
    ...item,
    interval: z.enum(['1d', '1h', '5m']).optional(),
    lookbackDays: z.number().int().min(1).max(365).optional(),
    start: dateTime.optional(),
    end: dateTime.optional(),
    fill: z.boolean().optional(),
    currency: currency.optional(),
  })
  .strict()
  .refine(needsItem, { message: 'give marketHashName or itemId', path: ['marketHashName'] })
  // The server silently prefers lookback over start/end: refuse the mix instead of ignoring half of it.
  .refine((q) => q.lookbackDays === undefined || (q.start === undefined && q.end === undefined), { message: 'give lookbackDays or start/end, not both', path: ['lookbackDays'] })
  .refine((q) => q.lookbackDays === undefined || q.lookbackDays <= CANDLE_MAX_DAYS[q.interval ?? '1d'], { message: 'longer than the interval keeps (5m: 7 days, 1h: 30, 1d: 365)', path: ['lookbackDays'] })
  .refine((q) => q.start === undefined || q.end === undefined || Date.parse(q.end) > Date.parse(q.start), { message: 'end must be after start', path: ['end'] }),
);

export const salesQuerySchema = inputIs<i.Cs2CapSalesQuery>()(
  z
  .object({
    ...item,
    providers: providerListSchema.optional(),
    minFloat: z.number().min(0).max(1).optional(),
    maxFloat: z.number().min(0).max(1).optional(),
    paintSeed: z.number().int().min(0).max(1000).optional(),
    stickers: z.array(nameText).max(MAX_STICKERS).optional(),
    charms: nameText.optional(),
    currency: currency.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: cursor.optional(),
  })
  .strict(),
);

export const itemsQuerySchema = inputIs<i.Cs2CapItemsQuery>()(
  z
  .object({
    q: nameText.optional(),
    itemId: positiveInt.optional(),
    marketHashName: nameText.optional(),
    itemType: filterText.optional(),
    weaponType: filterText.optional(),
    wearName: filterText.optional(),
    phase: z.enum(PHASES).optional(),
    rarityName: filterText.optional(),
    itemSubtype: filterText.optional(),
    rarityColor: filterText.optional(),
    styleName: filterText.optional(),
    collection: filterText.optional(),
    baseName: nameText.optional(),
    skinName: nameText.optional(),
    /** Containers the item drops from (matches any). */
    crates: z.array(nameText).max(MAX_STICKERS).optional(),
    isStattrak: z.boolean().optional(),
    isSouvenir: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: count.optional(),
  })
  .strict(),
);

/** An id the API gave (an alert, a webhook, a delivery, a child key). */
export const resourceIdSchema = z.string().min(1).max(100);
/** `limit` (1..100) and `offset` of the account lists. */
export const accountPageQuerySchema = z.object({ limit: z.number().int().min(1).max(100).optional(), offset: count.optional() }).strict();
/** Query of `alerts.list`: `limit` 1..200 (the server clamps to it), `offset`, a `search` of at most `MAX_NAME_CHARS`. */
export const alertListQuerySchema = z.object({ limit: z.number().int().min(1).max(200).optional(), offset: count.optional(), search: nameText.optional() }).strict();
/** Query of `streamPrices` and `streamBids`. */
export const streamQuerySchema = z.object({ providers: providerListSchema.optional() }).strict();

export const arbitrageQuerySchema = inputIs<i.Cs2CapArbitrageQuery>()(
  z
  .object({
    minSpreadPct: z.number().min(0).max(MAX_SPREAD_PCT).optional(),
    providersBuy: providerListSchema.optional(),
    providersSell: providerListSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: count.optional(),
  })
  .strict(),
);

/** An alert threshold: at most 12 digits before the point and 8 after (a price in any currency, BTC included, or a percentage). */
const positiveDecimal = z.string().max(21).regex(/^\d{1,12}(\.\d{1,8})?$/, 'a decimal string such as "25.50": at most 12 digits before the point and 8 after');
/** A price alert compares the best ask with a price in a currency; a spread alert, a percentage (no currency). */
export const alertCreateSchema = inputIs<i.Cs2CapAlertCreate>()(
  z
  .object({
    itemId: positiveInt,
    kind: z.enum(['price_below', 'price_above', 'spread_exceeds']),
    threshold: positiveDecimal,
    currency: currency.optional(),
    isEnabled: z.boolean().optional(),
  })
  .strict()
  // The server ignores a currency on a spread alert: refuse it rather than drop it silently.
  .refine((a) => a.kind !== 'spread_exceeds' || a.currency === undefined, { message: 'a spread alert is a percentage: give no currency', path: ['currency'] }),
);
export const alertUpdateSchema = inputIs<i.Cs2CapAlertUpdate>()(
  z
  .object({ threshold: positiveDecimal.optional(), currency: currency.optional(), isEnabled: z.boolean().optional() })
  .strict()
  .refine((a) => Object.values(a).some((v) => v !== undefined), { message: 'change at least one field', path: ['threshold'] }),
);

const webhookUrl = z.string().max(MAX_URL_CHARS).pipe(z.url({ protocol: /^https?$/ }));
const platform = z.enum(['custom', 'discord', 'telegram', 'google_sheets']);
export const webhookCreateSchema = inputIs<i.Cs2CapWebhookCreate>()(
  z
  .object({ label: z.string().min(1).max(100), url: webhookUrl, platform: platform.optional(), isActive: z.boolean().optional() })
  .strict()
  .refine((w) => w.platform !== 'telegram' || new URL(w.url).searchParams.has('chat_id'), { message: 'a Telegram URL must include chat_id', path: ['url'] }),
);
export const webhookUpdateSchema = inputIs<i.Cs2CapWebhookUpdate>()(
  z
  .object({ label: z.string().min(1).max(100).optional(), url: webhookUrl.optional(), platform: platform.optional(), isActive: z.boolean().optional() })
  .strict()
  .refine((w) => Object.values(w).some((v) => v !== undefined), { message: 'change at least one field', path: ['label'] }),
);

export const subKeyCreateSchema = inputIs<i.Cs2CapSubKeyCreate>()(
  z
  .object({
    name: z.string().min(1).max(100),
    quotaRequestsPerMonth: positiveInt.optional(),
    rateRequestsPerMinute: positiveInt.optional(),
  })
  .strict(),
);

/** Input of `subKeys.update`: at least one field; a limit of `null` removes it. */
export const subKeyUpdateSchema = inputIs<i.Cs2CapSubKeyUpdate>()(
  z
  .object({
    name: z.string().min(1).max(100).optional(),
    quotaRequestsPerMonth: positiveInt.nullable().optional(),
    rateRequestsPerMinute: positiveInt.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'change at least one field', path: ['name'] }),
);
