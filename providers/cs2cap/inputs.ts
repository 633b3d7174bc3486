/**
 * What the CS2Cap calls take: the client's own camelCase names (the client turns each into
 * the wire's query key or body field), with the bounds checked before anything is sent
 * (docs/cs2cap.md, "Input bounds"). Each zod schema that checks one of these is tied to it at
 * compile time (`inputIs` in type-match.ts), so the type and the check cannot drift apart.
 */
import type { PHASES } from './schemas.js';

/** A Doppler phase, the only variants the catalog tells apart under one name. */
export type Cs2CapPhase = (typeof PHASES)[number];

// ---- market data ----

/** Query of `getPrices` and `getBids`: one item (by id or name), marketplaces, currency, paging. */
export interface Cs2CapPricesQuery {
  /** The item's Steam market name, 1–300 characters; `itemId` wins when both are given. */
  marketHashName?: string | undefined;
  /** The CS2Cap catalog id (a positive integer): the surest way to name an item. */
  itemId?: number | undefined;
  /** A Doppler phase; without one, a Doppler name gives the cheapest phase and the quantities of all. */
  phase?: Cs2CapPhase | undefined;
  /** Marketplace keys (`steam`, `buff163`, …; at most 60), sent as repeated keys; default: all (for bids, all that take buy orders). */
  providers?: string[] | undefined;
  /** The currency of every amount in the answer, a 3–5 letter code listed by `getFxRates()` (default `USD`). */
  currency?: string | undefined;
  /** Rows per page, 1–1000 (default: the tier's cap, 100 on Free; `getBids` sends 100 when unset). */
  limit?: number | undefined;
  /** Rows to skip (0 or more): where the page starts. */
  offset?: number | undefined;
}

/** Query of `getPricesBatch` and `getBidsBatch`: 1–100 items in all, by id and/or name. */
export interface Cs2CapBatchQuery {
  /** Catalog ids (each a positive integer); an unknown one is listed in `items_not_found`. */
  itemIds?: number[] | undefined;
  /** Steam market names (each 1–300 characters); a name gives its phaseless entry, so use `itemIds` for a Doppler phase. */
  marketHashNames?: string[] | undefined;
  /** Marketplace keys (at most 60); default: all. */
  providers?: string[] | undefined;
  /** The answer's currency, 3–5 letters (default `USD`). */
  currency?: string | undefined;
}

/** Query of `getPriceHistory` (Pro and above): one item's recorded prices, newest first, by cursor. */
export interface Cs2CapHistoryQuery {
  /** The item's Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** The CS2Cap catalog id (a positive integer). */
  itemId?: number | undefined;
  /** A Doppler phase. */
  phase?: Cs2CapPhase | undefined;
  /** One marketplace key (default: all). */
  provider?: string | undefined;
  /** The window's start, inclusive: `YYYY-MM-DD` or an ISO 8601 time, at most 64 characters (default: 14 days ago). */
  start?: string | undefined;
  /** The window's end, exclusive, in the same forms (default: now). */
  end?: string | undefined;
  /** The answer's currency, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** Records per page, 1–1000 (default: the tier's cap). */
  limit?: number | undefined;
  /** `pagination.next_cursor` of the previous page, 1–4096 characters. */
  cursor?: string | undefined;
}

/** Query of `getPriceCandles`: one item, an interval, and `lookbackDays` or `start`/`end` (not both). */
export interface Cs2CapCandlesQuery {
  /** The item's Steam market name, 1–300 characters (this or `itemId` is needed). */
  marketHashName?: string | undefined;
  /** The CS2Cap catalog id (a positive integer). */
  itemId?: number | undefined;
  /** A Doppler phase. */
  phase?: Cs2CapPhase | undefined;
  /** Candle width: `1d` (default), `1h` or `5m`; Free and Starter get `1d` only. */
  interval?: '1d' | '1h' | '5m' | undefined;
  /** Days back from now, whole and at least 1, at most what the interval keeps (`5m` 7, `1h` 30, `1d` 365; Free and Starter 30). */
  lookbackDays?: number | undefined;
  /** The window's start, an ISO 8601 time with its offset (`2026-07-01T00:00:00Z`); Pro and above. */
  start?: string | undefined;
  /** The window's end, an ISO 8601 time with its offset, after `start`; Pro and above. */
  end?: string | undefined;
  /** `true` to repeat the last candle over buckets without data (default `false`: gaps stay gaps); Pro and above. */
  fill?: boolean | undefined;
  /** The currency of `o`/`h`/`l`/`c`, 3–5 letters (default `USD`). */
  currency?: string | undefined;
}

/** Query of `getSales` (Pro and above): recent sales, newest first, by cursor; no filter gives the global feed. */
export interface Cs2CapSalesQuery {
  /** The item's Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** The CS2Cap catalog id (a positive integer). */
  itemId?: number | undefined;
  /** A Doppler phase. */
  phase?: Cs2CapPhase | undefined;
  /** Marketplace keys of those that report sales (at most 60); default: all of them. */
  providers?: string[] | undefined;
  /** Lowest wear float, 0–1 inclusive. */
  minFloat?: number | undefined;
  /** Highest wear float, 0–1 inclusive. */
  maxFloat?: number | undefined;
  /** The paint seed (pattern index), a whole number 0–1000. */
  paintSeed?: number | undefined;
  /** Sticker names, every one of which the skin must carry (at most 10, each 1–300 characters). */
  stickers?: string[] | undefined;
  /** One charm name, 1–300 characters. */
  charms?: string | undefined;
  /** The currency of `price`, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** Sales per page, 1–1000 (default: the tier's cap, 100 on Pro). */
  limit?: number | undefined;
  /** `pagination.next_cursor` of the previous page, 1–4096 characters. */
  cursor?: string | undefined;
}

/** Query of `listItems`: catalog filters (all optional, combined with AND) and paging. */
export interface Cs2CapItemsQuery {
  /** A case-insensitive substring of the market name, 1–300 characters. */
  q?: string | undefined;
  /** One catalog id (a positive integer). */
  itemId?: number | undefined;
  /** An exact market name, case-insensitive, 1–300 characters. */
  marketHashName?: string | undefined;
  /** Item type (`Rifle`, `Knife`, …; `getItemMetadata()` lists the values), 1–100 characters. */
  itemType?: string | undefined;
  /** Weapon type, 1–100 characters. */
  weaponType?: string | undefined;
  /** Wear name (`Factory New` … `Battle-Scarred`), 1–100 characters. */
  wearName?: string | undefined;
  /** A Doppler phase. */
  phase?: Cs2CapPhase | undefined;
  /** Rarity name (`Covert`, …), 1–100 characters. */
  rarityName?: string | undefined;
  /** Item subtype, 1–100 characters. */
  itemSubtype?: string | undefined;
  /** Rarity colour, a hex code or its name, 1–100 characters. */
  rarityColor?: string | undefined;
  /** Finish style, 1–100 characters. */
  styleName?: string | undefined;
  /** Collection name, 1–100 characters. */
  collection?: string | undefined;
  /** Base name (the weapon without its skin), 1–300 characters. */
  baseName?: string | undefined;
  /** Skin name (without the weapon), 1–300 characters. */
  skinName?: string | undefined;
  /** Containers the item drops from: it matches any of them (at most 10, each 1–300 characters). */
  crates?: string[] | undefined;
  /** `true` for StatTrak™ items only, `false` to leave them out. */
  isStattrak?: boolean | undefined;
  /** `true` for souvenir items only, `false` to leave them out. */
  isSouvenir?: boolean | undefined;
  /** Items per page, 1–1000; unset, the whole matching catalog comes in one answer. */
  limit?: number | undefined;
  /** Items to skip (0 or more). */
  offset?: number | undefined;
}

/** Query of `getArbitrage` (Quant): the server's cross-marketplace opportunities, by offset. */
export interface Cs2CapArbitrageQuery {
  /** The smallest gross spread, in percent, 0–10 000 (default 1). */
  minSpreadPct?: number | undefined;
  /** Marketplace keys to buy on (at most 60; default: all). */
  providersBuy?: string[] | undefined;
  /** Marketplace keys to sell into, those that take buy orders (at most 60; default: all of them). */
  providersSell?: string[] | undefined;
  /** Opportunities per page, 1–1000 (default: the tier's cap). */
  limit?: number | undefined;
  /** Opportunities to skip (0 or more). */
  offset?: number | undefined;
}

// ---- account ----

/** Input of `subKeys.create`: a name and caps that may only be lower than the parent's. */
export interface Cs2CapSubKeyCreate {
  /** The child key's name, 1–100 characters (how `subKeys.list()` finds it after a lost answer). */
  name: string;
  /** Its own monthly request cap, a positive integer not above the parent's (default: the parent's). */
  quotaRequestsPerMonth?: number | undefined;
  /** Its own requests-per-minute cap, a positive integer not above the parent's (default: the parent's). */
  rateRequestsPerMinute?: number | undefined;
}

/** Input of `subKeys.update`: at least one field; `null` removes a cap (back to the parent's). */
export interface Cs2CapSubKeyUpdate {
  /** A new name, 1–100 characters. */
  name?: string | undefined;
  /** A new monthly request cap (a positive integer, not above the parent's), or `null` to remove it. */
  quotaRequestsPerMonth?: number | null | undefined;
  /** A new requests-per-minute cap (a positive integer, not above the parent's), or `null` to remove it. */
  rateRequestsPerMinute?: number | null | undefined;
}

/** The kinds of alert: a price crossing a threshold, or the bid–ask spread widening past one. */
export type Cs2CapAlertKind = 'price_below' | 'price_above' | 'spread_exceeds';

/** Input of `alerts.create` (and each entry of `alerts.createBatch`). */
export interface Cs2CapAlertCreate {
  /** The catalog id of the item to watch (a positive integer). */
  itemId: number;
  /** `price_below` / `price_above` compare the best ask with `threshold`; `spread_exceeds` compares `(ask − bid) / ask × 100`. */
  kind: Cs2CapAlertKind;
  /** A decimal string (`"20.00"`), at most 12 digits before the point and 8 after: a price in major units of `currency`, or a spread in percent. */
  threshold: string;
  /** The threshold's currency, 3–5 letters, price alerts only (default: the account's preferred currency, else USD); refused on a spread alert. */
  currency?: string | undefined;
  /** Whether it is armed (default `true`); an enabled alert needs a verified email or an active Quant webhook. */
  isEnabled?: boolean | undefined;
}

/** Input of `alerts.update`: at least one field. */
export interface Cs2CapAlertUpdate {
  /** A new threshold, a decimal string as in `Cs2CapAlertCreate.threshold`. */
  threshold?: string | undefined;
  /** A new threshold currency, 3–5 letters. */
  currency?: string | undefined;
  /** `true` to re-arm an alert (it disables itself when it fires), `false` to pause it. */
  isEnabled?: boolean | undefined;
}

/** Where a webhook delivers: `custom` and `google_sheets` are signed, `discord` and `telegram` are not. */
export type Cs2CapWebhookPlatform = 'custom' | 'discord' | 'telegram' | 'google_sheets';

/** Input of `webhooks.create`. */
export interface Cs2CapWebhookCreate {
  /** A name for the endpoint, 1–100 characters (how `webhooks.list()` finds it after a lost answer). */
  label: string;
  /** Where deliveries go: an `http`/`https` URL of at most 2048 characters; a Telegram one must carry `chat_id`. */
  url: string;
  /** The receiver's kind (default `custom`). */
  platform?: Cs2CapWebhookPlatform | undefined;
  /** Whether it receives deliveries (default `true`). */
  isActive?: boolean | undefined;
}

/** Input of `webhooks.update`: at least one field. */
export interface Cs2CapWebhookUpdate {
  /** A new label, 1–100 characters. */
  label?: string | undefined;
  /** A new `http`/`https` URL of at most 2048 characters. */
  url?: string | undefined;
  /** A new receiver kind. */
  platform?: Cs2CapWebhookPlatform | undefined;
  /** `false` to pause deliveries, `true` to resume them. */
  isActive?: boolean | undefined;
}

// ---- portfolios ----

/** One line of a one-off valuation. */
export interface Cs2CapValuationItemInput {
  /** The catalog id (a positive integer). */
  itemId: number;
  /** How many are held, a positive integer. */
  quantity: number;
}

/** Input of `portfolios.value`: up to 100 distinct items (1000 lines). */
export interface Cs2CapValuationInput {
  /** The holdings to value, 1–1000 lines of at most 100 distinct items. */
  items: Cs2CapValuationItemInput[];
  /** The answer's currency, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** Marketplace keys to value against (at most 60; default: all). */
  providers?: string[] | undefined;
}

/** Input of `portfolios.create`. */
export interface Cs2CapPortfolioCreate {
  /** The portfolio's name, 1–100 characters. */
  name: string;
}

/** Input of `portfolios.addItem`: an item by id or by name (and phase), and a quantity. */
export interface Cs2CapPortfolioItemInput {
  /** The catalog id (a positive integer); this or `marketHashName` is needed. */
  itemId?: number | undefined;
  /** The Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** A Doppler phase, with `marketHashName`. */
  phase?: Cs2CapPhase | undefined;
  /** How many, a positive integer. */
  quantity: number;
}

/** Query of `portfolios.getValue`. */
export interface Cs2CapPortfolioValueQuery {
  /** The answer's currency, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** Marketplace keys to value against (at most 60; default: all). */
  providers?: string[] | undefined;
}

/** Query of `portfolios.getHistory`: daily values over a window, by cursor. */
export interface Cs2CapPortfolioHistoryQuery {
  /** The first day, `YYYY-MM-DD`, inclusive (not with `lookbackDays`). */
  startDate?: string | undefined;
  /** The last day, `YYYY-MM-DD`, inclusive, not before `startDate`. */
  endDate?: string | undefined;
  /** Days back from today, 1–3650 (not with `startDate`). */
  lookbackDays?: number | undefined;
  /** The currency of `total_value`, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** Marketplace keys to value against (at most 60; default: all). */
  providers?: string[] | undefined;
  /** `ledger` (default: the holdings each day held, from the transactions; needs some) or `holdings` (today's holdings on every day). */
  basis?: 'ledger' | 'holdings' | undefined;
  /** Days per page, 1–1000. */
  limit?: number | undefined;
  /** `pagination.next_cursor` of the previous page, 1–4096 characters. */
  cursor?: string | undefined;
}

/** Input of `portfolios.addTransaction`: an item by id or name, and the trade. */
export interface Cs2CapTransactionInput {
  /** The catalog id (a positive integer); this or `marketHashName` is needed. */
  itemId?: number | undefined;
  /** The Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** A Doppler phase, with `marketHashName`. */
  phase?: Cs2CapPhase | undefined;
  /** `buy` (a buy of an item not held adds the holding) or `sell`. */
  type: 'buy' | 'sell';
  /** How many, a positive integer. */
  quantity: number;
  /** Price per unit in major units of `currency`, at most 2 decimals (`"25.50"`); sent as minor units. */
  price: string;
  /** The trade's day, `YYYY-MM-DD`. */
  date: string;
  /** A fee as an amount in major units of `currency`, at most 2 decimals. */
  fee?: string | undefined;
  /** A fee as a percentage, 0–100. */
  feePercentage?: number | undefined;
  /** Where it was traded, 1–64 characters. */
  marketplace?: string | undefined;
  /** A note, at most 1000 characters. */
  note?: string | undefined;
  /** The currency of `price` and `fee`, 3–5 letters (default `USD`). */
  currency?: string | undefined;
}

/** Input of `portfolios.updateTransaction`: at least one field; a new `price` or `fee` needs its `currency`. */
export interface Cs2CapTransactionUpdate {
  /** `buy` or `sell`. */
  type?: 'buy' | 'sell' | undefined;
  /** How many, a positive integer. */
  quantity?: number | undefined;
  /** Price per unit in major units of `currency`, at most 2 decimals. */
  price?: string | undefined;
  /** The trade's day, `YYYY-MM-DD`. */
  date?: string | undefined;
  /** A fee amount in major units of `currency` (at most 2 decimals), or `null` to clear it. */
  fee?: string | null | undefined;
  /** A fee percentage, 0–100, or `null` to clear it. */
  feePercentage?: number | null | undefined;
  /** Where it was traded, 1–64 characters, or `null` to clear it. */
  marketplace?: string | null | undefined;
  /** A note of at most 1000 characters, or `null` to clear it. */
  note?: string | null | undefined;
  /** The currency of `price` and `fee`, 3–5 letters. */
  currency?: string | undefined;
}

/** Input of `portfolios.importSteam`. */
export interface Cs2CapSteamImportInput {
  /** 1–10 000 Steam asset ids (digits) to import; unset, the whole linked inventory. */
  assetIds?: string[] | undefined;
}

/** Query of `portfolios.exportCsv`. */
export interface Cs2CapCsvExportQuery {
  /** `transactions` (default: the ledger) or `items` (the holdings). */
  format?: 'transactions' | 'items' | undefined;
}

/** Query of `watchlist.list`. */
export interface Cs2CapWatchlistQuery {
  /** Entries per page, 1–200 (50 is sent when unset). */
  limit?: number | undefined;
  /** Entries to skip (0 or more). */
  offset?: number | undefined;
  /** A catalog id (as text) or a substring of the market name, 1–300 characters. */
  search?: string | undefined;
}

// ---- analytics ----

/** Query of `getIndicators` (Quant): one item and a candle width. */
export interface Cs2CapIndicatorsQuery {
  /** The catalog id (a positive integer); this or `marketHashName` is needed. */
  itemId?: number | undefined;
  /** The Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** A Doppler phase. */
  phase?: Cs2CapPhase | undefined;
  /** The candles the indicators are computed on: `1h` or `1d`. */
  interval?: '1h' | '1d' | undefined;
  /** The currency of the price-level indicators, 3–5 letters (default `USD`; `close_price_usd` stays USD). */
  currency?: string | undefined;
}

/** Query of `getPriceChart` (Quant): one item's daily prices per marketplace. */
export interface Cs2CapChartQuery {
  /** The catalog id (a positive integer); this or `marketHashName` is needed. */
  itemId?: number | undefined;
  /** The Steam market name, 1–300 characters. */
  marketHashName?: string | undefined;
  /** Marketplace keys (at most 60; default: all). */
  providers?: string[] | undefined;
  /** The window's start, `YYYY-MM-DD` or an ISO 8601 time with offset (default: 365 days ago; not with `lookbackDays`). */
  start?: string | undefined;
  /** The window's end, in the same forms (default: now). */
  end?: string | undefined;
  /** Days back from now, 1–20 000 (not with `start`). */
  lookbackDays?: number | undefined;
  /** The currency of each point's `price`, 3–5 letters (default `USD`). */
  currency?: string | undefined;
  /** `true` to include marketplaces that have closed (their history only). */
  includeDefunct?: boolean | undefined;
}
