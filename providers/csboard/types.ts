/**
 * What the CSBoard client returns and takes, written from reference/csboard.md and following
 * docs/results.md: fields have the wire's names; every money amount (`price_usd`,
 * `min_price_usd`, `balance_usd`, …) holds exact `Money` instead of the wire's float; what the
 * wire does not carry is camelCase; no index signature, so a typo does not compile. The zod
 * schemas in schemas.ts are checked against these types at compile time.
 */
import type { CallOptions } from '../../src/http/request-sender.js';
import type { Money } from '../../src/money.js';

/** The five wear names CSBoard filters on (reference/csboard.md §6.2). */
export type CsboardWear = 'Factory New' | 'Minimal Wear' | 'Field-Tested' | 'Well-Worn' | 'Battle-Scarred';

// ---- results ----

/** `GET /v1/health`: is the API up, and how old is its price list (no key needed). */
export interface CsboardHealth {
  /** `"ok"` while the service is up. */
  status: string;
  /** How many item groups are priced (one per `market_hash_name` + `wear` + `doppler_phase`): the snapshot's row count. */
  groups: number;
  /** Age of the current price list in seconds; a large value means prices may be stale. */
  price_list_age_seconds: number;
  /** API version (`"v1"`); only one of the two doc sets shows it. */
  version?: string | null | undefined;
  /** The server's clock, ISO-8601 UTC; only one of the two doc sets shows it. */
  server_now?: string | null | undefined;
}

/** A sticker applied to a listed skin. */
export interface CsboardSticker {
  /** Sticker name, e.g. `Crown (Foil)`. */
  name: string;
  /** URL of the sticker's image. */
  image?: string | null | undefined;
  /** The slot it is applied to (0-based). */
  slot?: number | null | undefined;
  /** How worn the sticker is, 0 (new) to 1: a plain number, not money. */
  wear?: number | null | undefined;
}

/** A live listing, buyable now (`GET /v1/listings`). */
export interface CsboardListing {
  /** Listing id (`itm_8841201`): what `placeOrder`'s `itemIds` and `checkAvailability` take. */
  id: string;
  /** Steam market hash name, e.g. `AK-47 | Redline (Minimal Wear)`. */
  market_hash_name: string;
  /** Wear name (one of `CsboardWear`), or null for items without wear. */
  wear?: string | null | undefined;
  /** Doppler phase (`Phase 2`, `Ruby`, …), or null. */
  doppler_phase?: string | null | undefined;
  /** The skin's float value, 0.0–1.0: a plain number, not money. */
  float_value?: number | null | undefined;
  /** The skin's paint seed (pattern index). */
  paint_seed?: number | null | undefined;
  /** The stickers applied to it, with their wear. */
  stickers?: CsboardSticker[] | null | undefined;
  /** The asking price in USD, exact; the live price charged on purchase may differ. */
  price_usd: Money;
  /** Item category, e.g. `Rifle`, `Knife`. */
  category?: string | null | undefined;
  /** Rarity, e.g. `Classified`. */
  rarity?: string | null | undefined;
  /** URL of the item's image. */
  image?: string | null | undefined;
  /** Steam inspect link (`steam://rungame/730/…`). */
  inspect_link?: string | null | undefined;
  /** Whether the item can be traded on Steam now. */
  tradable?: boolean | null | undefined;
  /** When it becomes tradable (ISO-8601 UTC), or null. */
  tradable_at?: string | null | undefined;
  /** How it is delivered: `hold` (after a trade hold) or `instant`, or a new value. */
  delivery?: string | null | undefined;
}

/** One page of `GET /v1/listings`. */
export interface CsboardListingsPage {
  /** The listings of this page. */
  items: CsboardListing[];
  /** The cursor of the next page; null on the last page. */
  next_cursor: string | null;
}

/** The cheapest ask of one item group (name + wear + phase), from `GET /v1/prices` or the snapshot. */
export interface CsboardPriceRow {
  /** Steam market hash name. */
  market_hash_name: string;
  /** Wear bucket, or null. */
  wear?: string | null | undefined;
  /** Doppler phase, or null. */
  doppler_phase?: string | null | undefined;
  /** The cheapest current ask in USD, exact; indicative (it can lag the live listings). */
  min_price_usd: Money;
  /** How many listings the group has. */
  qty: number;
}

/** One page of `GET /v1/prices`. */
export interface CsboardPricesPage {
  /** The price rows of this page. */
  items: CsboardPriceRow[];
  /** The cursor of the next page; null on the last page. */
  next_cursor: string | null;
}

/** `GET /v1/listings/availability`: which listings are still buyable. */
export interface CsboardAvailability {
  /** Listing id → how many units are left, for every id with at least one (a map keyed by id, not fields). */
  available: Record<string, number>;
  /** The ids that are gone. */
  unavailable_ids: string[];
}

/** `GET /v1/balance`: the balance and whether this key may buy. */
export interface CsboardBalance {
  /** Always `"USD"`. */
  currency: string;
  /** The total balance, exact. */
  balance_usd: Money;
  /** Whether this key may buy; if false the buy calls are refused with `trading_not_enabled`. */
  trading_enabled: boolean;
  /** The settled part, which cannot be reversed: all `marketBuy` may spend. */
  settled_balance_usd: Money;
  /** The part currently held, exact. */
  held_usd: Money;
  /** When the held part clears (ISO-8601 UTC); null if nothing is held. */
  held_until?: string | null | undefined;
}

/** One item of an order. */
export interface CsboardOrderItem {
  /** Steam market hash name. */
  market_hash_name: string;
  /** What was paid for it in USD, exact. */
  price_usd: Money;
  /** `hold`, `delivering`, `delivered`, `returned`, or a new value. */
  status: string;
  /** When it becomes tradable (ISO-8601 UTC), or null. */
  tradable_at?: string | null | undefined;
  /** Why it was returned, or null. */
  return_reason?: string | null | undefined;
  /** The Steam trade offer that delivers it, or null. */
  steam_trade_offer_id?: string | null | undefined;
  /** When that trade offer finished (ISO-8601 UTC), or null. */
  steam_trade_offer_finished_at?: string | null | undefined;
}

/** An order of the history (`GET /v1/orders`, `/v1/orders/{id}`, `/v1/orders/info`). */
export interface CsboardOrder {
  /** Order id, e.g. `ord_01J9Z3K8Q2`. */
  order_id: string;
  /** The Steam ID the items go to, if known. */
  steam_id?: string | null | undefined;
  /** `completed`, `hold`, `delivering`, `pending`, `cancelled`, `failed`, or a new value. */
  status: string;
  /** Your own id for the purchase (a `marketBuy` `customId`), or null. */
  custom_id?: string | null | undefined;
  /** Always `"USD"`. */
  currency: string;
  /** The total charged in USD, exact. */
  charged_total_usd: Money;
  /** How many items the order has. */
  item_count: number;
  /** While `status` is `hold`: when the hold clears and `claimOrder` may be called (ISO-8601 UTC). */
  hold_until?: string | null | undefined;
  /** When the order was created (ISO-8601 UTC). */
  created_at: string;
  /** When it last changed (ISO-8601 UTC), or null. */
  updated_at?: string | null | undefined;
  /** Its items. */
  items: CsboardOrderItem[];
}

/** Where the next page of the order history is. */
export interface CsboardOrdersPageMeta {
  /** The cursor of the next page; null on the last page. */
  next_cursor: string | null;
  /** The page size the server used. */
  per_page?: number | undefined;
}

/** One page of `GET /v1/orders`, newest first. */
export interface CsboardOrdersPage {
  /** The orders of this page. */
  data: CsboardOrder[];
  /** Paging: `meta.next_cursor`. */
  meta: CsboardOrdersPageMeta;
}

/** One item of a placed order. */
export interface CsboardPlacedOrderItem {
  /** The listing id bought. */
  item_id: string;
  /** The live price charged for it in USD, exact. */
  charged_usd: Money;
  /** `hold` or `instant`, or a new value. */
  delivery?: string | null | undefined;
}

/** The answer of `placeOrder` (`POST /v1/orders`), with the idempotency key it was sent under. */
export interface CsboardPlacedOrder {
  /** Order id, e.g. `ord_01J9Z3K8Q2`: poll it with `getOrder`. */
  order_id: string;
  /** `processing`, `completed`, `failed`, or a new value. */
  status: string;
  /** What each listing cost and how it is delivered. */
  items?: CsboardPlacedOrderItem[] | null | undefined;
  /** The total charged in USD, exact (never above the `maxPriceUsd` sent). */
  total_charged_usd: Money;
  /** The balance after the debit, exact. */
  balance_after_usd?: Money | null | undefined;
  /** When the order was created (ISO-8601 UTC). */
  created_at?: string | null | undefined;
  /** Not on the wire: the `Idempotency-Key` this order was sent under (given or generated); resending with it replays the order. */
  idempotencyKey: string;
}

/** One skin of a `marketBuy` purchase. */
export interface CsboardMarketBuySkin {
  /** The skin's market hash name. */
  name: string;
  /** What was paid for it in USD, exact (the one money field whose wire name has no `_usd`). */
  price: Money;
  /** `delivering`, or another delivery state. */
  status: string;
  /** Why it was returned, or null. */
  return_reason?: string | null | undefined;
  /** The Steam trade offer that delivers it, or null. */
  steam_trade_offer_id?: string | null | undefined;
}

/** The answer of `marketBuy` (`POST /v1/market/buy`), with the `customId` it was sent under. */
export interface CsboardMarketBuy {
  /** Purchase id, e.g. `pur_01J9Z3K8Q2`. */
  purchase_id: string;
  /** The Steam ID the skins go to. */
  steam_id?: string | null | undefined;
  /** When the purchase was made (ISO-8601 UTC). */
  created_at?: string | null | undefined;
  /** The `custom_id` as the server echoed it. */
  custom_id?: string | null | undefined;
  /** The skins bought. */
  skins: CsboardMarketBuySkin[];
  /**
   * Not on the wire as such: the `custom_id` this call sent (given or generated), even when
   * the answer leaves `custom_id` out; resending with it replays the purchase, and
   * `getOrdersInfo({ customIds })` finds it.
   */
  customId: string;
}

/** The answer of `claimOrder` (`POST /v1/orders/{id}/claim`). */
export interface CsboardClaim {
  /** The order claimed. */
  order_id: string;
  /** Its status now, e.g. `delivering`. */
  status: string;
  /** True: the trade was released now (accept the offer within about 15 minutes); false: the order delivers by itself. */
  claimed: boolean;
  /** The Steam trade offer sent, when `claimed` is true. */
  steam_trade_offer_id?: string | null | undefined;
}

/** A snapshot download that found nothing new: the server answered 304 to the ETag sent. */
export interface CsboardSnapshotUnchanged {
  /** `unchanged`: keep what you have. */
  readonly status: 'unchanged';
  /** The ETag of the version you have. */
  readonly etag: string;
}

/** A snapshot download with rows: every price row, streamed as it is decompressed. */
export interface CsboardSnapshotRows {
  /** `ok`: read `rows`. */
  readonly status: 'ok';
  /** The version's ETag, to pass as `etag` next time; undefined if the server sent none. */
  readonly etag: string | undefined;
  /** The rows, each checked, as they arrive (constant memory). */
  readonly rows: AsyncGenerator<CsboardPriceRow, void, undefined>;
}

/** A snapshot download: `unchanged` for a matching ETag, else the rows as they stream in. */
export type CsboardSnapshot = CsboardSnapshotUnchanged | CsboardSnapshotRows;

// ---- error details ----

/**
 * The `details` of a CSBoard error (reference/csboard.md §4): the extra fields some error bodies
 * carry, under the wire's names, money exact. Read them typed with `csboardErrorDetails(error)`;
 * each is present only on the errors named.
 */
export interface CsboardErrorDetails {
  /** `409 price_moved` (an `OrderRejectedError`): what the order would cost now, exact USD; nothing was charged. */
  current_total_usd?: Money | undefined;
  /** `402 insufficient_settled_balance`: what the purchase needs from the settled balance, exact USD. */
  required_usd?: Money | undefined;
  /** `402 insufficient_settled_balance`: the settled balance there is, exact USD. */
  settled_usd?: Money | undefined;
  /** `425 hold_not_cleared`: when the hold clears and `claimOrder` may be called (ISO-8601 UTC); `retryAfterMs` counts down to it. */
  hold_until?: string | undefined;
  /** `502 delivery_failed` (never retried): `true` when the balance was refunded, `false` when the server did not say so. */
  refunded?: boolean | undefined;
}

// ---- inputs ----

/** The filters listings and prices share. */
export interface CsboardItemFilters {
  /** Full-text match on `market_hash_name`, at most 200 characters. */
  search?: string | undefined;
  /** Category, e.g. `Rifle`, `Knife`, `Gloves`. */
  category?: string | undefined;
  /** One of the five wear names. */
  wear?: CsboardWear | undefined;
  /** Rarity, e.g. `Classified`, `Covert`. */
  rarity?: string | undefined;
  /** Lowest price in USD, inclusive (0–1,000,000, cents at most). */
  minPrice?: number | undefined;
  /** Highest price in USD, inclusive (0–1,000,000, cents at most; not below `minPrice`). */
  maxPrice?: number | undefined;
}

/** Filters, sort and paging of `listListings`. */
export interface CsboardListingsQuery extends CsboardItemFilters {
  /** Lowest float value, 0–1 inclusive. */
  minFloat?: number | undefined;
  /** Highest float value, 0–1 inclusive (not below `minFloat`). */
  maxFloat?: number | undefined;
  /** `only` StatTrak™ items, or `exclude` them. */
  statTrak?: 'only' | 'exclude' | undefined;
  /** `only` souvenir items, or `exclude` them. */
  souvenir?: 'only' | 'exclude' | undefined;
  /** Order: `id` (default), `newest`, `price_asc`, `price_desc`. */
  sort?: 'id' | 'newest' | 'price_asc' | 'price_desc' | undefined;
  /** `next_cursor` of the previous page. */
  cursor?: string | undefined;
  /** Listings per page, 1–200 (default 50). */
  limit?: number | undefined;
}

/** Filters and paging of `listPrices`. */
export interface CsboardPricesQuery extends CsboardItemFilters {
  /** `next_cursor` of the previous page. */
  cursor?: string | undefined;
  /** Rows per page, 1–500 (default 100). */
  limit?: number | undefined;
}

/** Filters and paging of `listOrders`. */
export interface CsboardOrdersQuery {
  /** Orders per page, 1–100 (default 50). */
  limit?: number | undefined;
  /** Only orders created at or after this Unix time (seconds). */
  startUnixTime?: number | undefined;
  /** Only orders created at or before this Unix time (seconds). */
  endUnixTime?: number | undefined;
  /** Only orders in this status. */
  status?: 'completed' | 'hold' | 'delivering' | 'pending' | 'cancelled' | 'failed' | undefined;
  /** `meta.next_cursor` of the previous page. */
  cursor?: string | undefined;
}

/** Input of `getOrdersInfo`: order ids and/or custom ids, 1–200 in all. */
export interface CsboardOrdersInfoQuery {
  /** Order ids (`ord_…`). */
  orderIds?: string[] | undefined;
  /** Custom ids set on `marketBuy`. */
  customIds?: string[] | undefined;
}

/** Input of `placeOrder`. */
export interface CsboardPlaceOrder {
  /** 1–10 unique listing ids. */
  itemIds: string[];
  /** The most the whole order may cost in USD (the server refuses it otherwise); `null` only with `allowUncapped: true`. */
  maxPriceUsd: number | null;
  /** `true` to buy with `maxPriceUsd: null`, without a cap. */
  allowUncapped?: true | undefined;
  /** The `Idempotency-Key` (8–200 visible ASCII characters); generated once per call when omitted. */
  idempotencyKey?: string | undefined;
}

/** Input of `marketBuy`. */
export interface CsboardMarketBuyInput {
  /** 1–100 unique listing ids. */
  itemIds: string[];
  /** The trade URL's `partner` value (digits). */
  partner: string;
  /** The trade URL's `token` value. */
  token: string;
  /** The most the whole purchase may cost in USD; `null` only with `allowUncapped: true`. */
  maxPriceUsd: number | null;
  /** `true` to buy with `maxPriceUsd: null`, without a cap. */
  allowUncapped?: true | undefined;
  /** The `custom_id`, this endpoint's idempotency key (1–128 characters, no commas); generated once per call when omitted. */
  customId?: string | undefined;
  /** `true` to skip unavailable items instead of failing the whole purchase. */
  skipUnavailable?: boolean | undefined;
}

/** Options of `downloadSnapshot`. */
export interface CsboardSnapshotOptions extends CallOptions {
  /** The ETag of the version you have: an unchanged snapshot then answers `unchanged`, without a body. */
  etag?: string | undefined;
  /** Called with the byte count of each compressed chunk as it arrives (for progress). */
  onBytes?: ((bytes: number) => void) | undefined;
}
