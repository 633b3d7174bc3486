import { z } from 'zod';
import { envOnly, withEnvironment, type EnvSource } from '../../src/env.js';
import { cs2capEnvSettings } from './env.js';
import { createClientCore, commonOptionsShape, type CommonClientOptions } from '../../src/client-core.js';
import { CapabilityError, PermissionError } from '../../src/errors.js';
import type { MarketEventName, MarketEvents } from '../../src/events.js';
import { isRollingWindow } from '../../src/limits/specs.js';
import { jsonParserWithDecimalAside } from '../../src/http/json-decimal-aside.js';
import { ndjsonRows } from '../../src/http/ndjson.js';
import { cursorList, itemsWhenIterated, offsetList, type PagePromise } from '../../src/http/paginate.js';
import { pathSegment } from '../../src/http/query.js';
import type { CallOptions, ProviderAdapter } from '../../src/http/request-sender.js';
import { fxTable, type FxTable } from '../../src/money.js';
import type { Capabilities, MarketProvider, Quote, QuoteOptions } from '../../src/provider.js';
import { SecretString } from '../../src/secret.js';
import { parseInput } from '../../src/validation.js';
import { mapCs2CapError } from './errors.js';
import { CS2CAP_TIER_RPM, cs2capDefaultLimits, type Cs2CapLimitClass, type Cs2CapTier } from './limits.js';
import { createNotificationCalls, type Cs2CapAlerts, type Cs2CapWebhooks } from './notifications.js';
import { Cs2CapQuotaTracker, type Cs2CapQuotaStatus } from './quota-status.js';
import { createOperationSender, Cs2CapTierGate, tierOfKeyInfo } from './operation-kit.js';
import * as r from './results.js';
import type {
  Cs2CapArbitrageQuery,
  Cs2CapBatchQuery,
  Cs2CapCandlesQuery,
  Cs2CapHistoryQuery,
  Cs2CapItemsQuery,
  Cs2CapPricesQuery,
  Cs2CapSalesQuery,
  Cs2CapSubKeyCreate,
  Cs2CapSubKeyUpdate,
} from './inputs.js';
import type {
  Cs2CapArbitrage,
  Cs2CapArbitragePage,
  Cs2CapBatchBids,
  Cs2CapBatchPrices,
  Cs2CapBid,
  Cs2CapBidsPage,
  Cs2CapCatalogItem,
  Cs2CapCandles,
  Cs2CapItemsPage,
  Cs2CapKeyInfo,
  Cs2CapPrice,
  Cs2CapPriceHistoryPage,
  Cs2CapPriceSnapshot,
  Cs2CapPricesPage,
  Cs2CapProviders,
  Cs2CapSale,
  Cs2CapSalesPage,
  Cs2CapSubKeyDetail,
  Cs2CapSubKeyList,
  Cs2CapSubKeyRevoked,
  Cs2CapSyncedLimits,
} from './results.js';
import * as s from './schemas.js';
import { createWatchlistCalls, type Cs2CapWatchlist } from './watchlist.js';
import { createPortfolioCalls, type Cs2CapPortfolios } from './portfolio.js';
import { createInventoryCalls, type Cs2CapInventory } from './inventory.js';
import { createAnalyticsCalls, type Cs2CapAnalyticsCalls } from './analytics.js';

/** The documented CS2Cap API root. */
export const CS2CAP_BASE_URL = 'https://api.cs2c.app/v1';
const PROVIDER = 'cs2cap';
/** How to tell whether a reissue whose answer was lost or unreadable happened. */
const REISSUE_OUTCOME_HINT =
  'The key may have been reissued. To check: call getKeyInfo() on this client, which still uses the old key. If it answers, nothing was reissued and reissueKey() may be called again. If it fails with AuthenticationError (AUTH_API_KEY_REVOKED), the key was reissued: the old key and all its child keys are revoked, and the new key, shown only once, is lost; issue a new one in the CS2Cap dashboard and create a client with it';
/** What a stream start whose answer was lost may have left behind. */
const STREAM_OUTCOME_HINT =
  'The start may have counted against the 24 h stream quota (see quotaStatus().streams), and a stream left open on the server makes a new start fail with STREAM_ALREADY_ACTIVE until it closes';

/** Options of `createCs2CapClient`. */
export interface Cs2CapClientOptions extends CommonClientOptions<Cs2CapLimitClass> {
  /** `sk_live_…`; sent only as `Authorization: Bearer`. Default: `CS2C_API_KEY` (see `env`). */
  apiKey?: string | undefined;
  /**
   * Where unset settings are read from (default `process.env`; `false` reads nothing):
   * `CS2C_API_BASE`, and `CS2C_API_KEY` when the endpoint is not given in code (src/env.ts).
   */
  env?: EnvSource | undefined;
  /** The key's tier, if known, for the default rate before `syncLimits()` (default `free`). */
  tier?: Cs2CapTier | undefined;
}

const optionsSchema = z
  .object({
    ...commonOptionsShape,
    apiKey: z.string({ message: 'required: give apiKey or set CS2C_API_KEY' }).regex(s.API_KEY, 'must be a CS2Cap key starting with sk_'),
    tier: z.enum(['free', 'starter', 'pro', 'quant']).optional(),
  })
  .strict();

type Raw<T extends z.ZodType> = z.output<T>;

/** A bulk NDJSON stream: when the snapshot was taken, its announced size, and the rows. */
export interface Cs2CapStream<Row> {
  /** `X-Snapshot-Timestamp`: when the server took the snapshot (ISO time). */
  readonly snapshotAt: string | undefined;
  /** `X-Snapshot-Total`, when the server knows it: compare with the rows read to detect a cut-off. */
  readonly total: number | undefined;
  /** The rows, read line by line as they arrive, in USD. */
  readonly rows: AsyncGenerator<Row, void, undefined>;
}



/** What `reissueKey()` returns (`POST /v1/account/key/reissue`). */
export interface Cs2CapReissuedKey {
  /** The new root key, shown once; the old key and all its child keys are revoked. */
  readonly key: SecretString;
  /** The new key's id. */
  readonly id: string;
  /** `sk_live_root`. */
  readonly key_prefix: string;
  /** When the new key was made (ISO time). */
  readonly created_at: string;
}
/** What `subKeys.create()` and `subKeys.reissue()` return. */
export interface Cs2CapCreatedSubKey {
  /** The child key, shown once. */
  readonly key: SecretString;
  /** Its metadata. */
  readonly key_info: Cs2CapKeyInfo;
}
/** Query of `getProviders`: one marketplace key, or none for all. */
export interface Cs2CapProvidersQuery {
  /** A marketplace key (`steam`); an unknown one is a 404. */
  provider?: string | undefined;
}
/** Query of `streamPrices` and `streamBids`. */
export interface Cs2CapStreamQuery {
  /** Only these marketplace keys (default: all). */
  providers?: string[] | undefined;
}
/** Query of `subKeys.list`. */
export interface Cs2CapAccountPageQuery {
  /** Page size, 1..100 (default 25). */
  limit?: number | undefined;
  /** Where the page starts. */
  offset?: number | undefined;
}

/** A CS2Cap client: every documented operation (see each call), with its rate limit, retries and tier gate. */
export interface Cs2CapClient extends MarketProvider, Cs2CapAnalyticsCalls {
  /** `cs2cap`: which provider this client speaks to. */
  readonly id: 'cs2cap';
  /** What it offers: asks, bids and FX; no listings to buy, no trading. */
  readonly has: Capabilities;
  /** Lowest asks per marketplace (`GET /v1/prices`): a page when awaited, every ask from it on with `for await`. */
  getPrices(query: Cs2CapPricesQuery, options?: CallOptions): PagePromise<Cs2CapPricesPage, Cs2CapPrice>;
/** Asks of up to 100 items at once (Starter and above). */
  getPricesBatch(query: Cs2CapBatchQuery, options?: CallOptions): Promise<Cs2CapBatchPrices>;
  /** Highest buy orders of up to 100 items at once (`POST /v1/bids/batch`, Starter and above); a lookup, safe to repeat. */
  getBidsBatch(query: Cs2CapBatchQuery, options?: CallOptions): Promise<Cs2CapBatchBids>;
  /** Highest buy orders per marketplace (Starter and above): a page when awaited, every bid from it on with `for await`. */
  getBids(query: Cs2CapPricesQuery, options?: CallOptions): PagePromise<Cs2CapBidsPage, Cs2CapBid>;
/** One page of price history (Pro and above). */
  getPriceHistory(query: Cs2CapHistoryQuery, options?: CallOptions): PagePromise<Cs2CapPriceHistoryPage, Cs2CapPriceSnapshot>;
  /**
   * Every price-history record, following `next_cursor`.
   * @deprecated Iterate the page call instead: `for await (const snapshot of cs2cap.getPriceHistory(query))`.
   */
  priceHistory(query: Omit<Cs2CapHistoryQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<Cs2CapPriceSnapshot, void, undefined>;
  /**
   * Composite OHLCV candles across all marketplaces (`GET /v1/prices/candles`), oldest first.
   * Free and Starter keys get daily candles over at most 30 days; `5m` keeps 7 days, `1h` 30.
   */
  getPriceCandles(query: Cs2CapCandlesQuery, options?: CallOptions): Promise<Cs2CapCandles>;
/** One page of recent sales (Pro and above). */
  getSales(query?: Cs2CapSalesQuery, options?: CallOptions): PagePromise<Cs2CapSalesPage, Cs2CapSale>;
  /**
   * Every recent sale, following `next_cursor`.
   * @deprecated Iterate the page call instead: `for await (const sale of cs2cap.getSales(query))`.
   */
  sales(query?: Omit<Cs2CapSalesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<Cs2CapSale, void, undefined>;
  /** The catalog, filtered: a page when awaited, every item from it on with `for await` (without `limit`, one answer holds all). */
  listItems(query?: Cs2CapItemsQuery, options?: CallOptions): PagePromise<Cs2CapItemsPage, Cs2CapCatalogItem>;
  /** Marketplaces by display name, with fees (fractions) and health. */
  getProviders(query?: Cs2CapProvidersQuery, options?: CallOptions): Promise<Cs2CapProviders>;
  /** 1 USD = rates[CODE]. */
  getFxRates(options?: CallOptions): Promise<FxTable>;
  /**
   * The server's own cross-marketplace opportunities (`GET /v1/market/arbitrage`, Quant):
   * buy at one marketplace's ask, sell into another's bid, after its estimated fees.
   */
  getArbitrage(query?: Cs2CapArbitrageQuery, options?: CallOptions): PagePromise<Cs2CapArbitragePage, Cs2CapArbitrage>;
  /**
   * Every opportunity, following the offset pages.
   * @deprecated Iterate the page call instead: `for await (const opportunity of cs2cap.getArbitrage(query))`.
   */
  arbitrage(query?: Omit<Cs2CapArbitrageQuery, 'offset'>, options?: CallOptions): AsyncGenerator<Cs2CapArbitrage, void, undefined>;
  /**
   * The whole price list as NDJSON (`POST /v1/prices`, Pro and above, in USD), streamed row
   * by row in constant memory. Each start counts against a 24 h stream quota, so it is never
   * retried; a second stream on the key is a 409 `STREAM_ALREADY_ACTIVE`.
   */
  streamPrices(query?: Cs2CapStreamQuery, options?: CallOptions): Promise<Cs2CapStream<Cs2CapPrice>>;
  /** The whole buy-order list as NDJSON (`POST /v1/bids`), like `streamPrices`. */
  streamBids(query?: Cs2CapStreamQuery, options?: CallOptions): Promise<Cs2CapStream<Cs2CapBid>>;
/** This key's metadata: root or child, effective rate and quota. */
  getKeyInfo(options?: CallOptions): Promise<Cs2CapKeyInfo>;
  /**
   * Revoke this root key (and its children) and issue a new one. Never retried; on success
   * the client switches to the new key at once. If the answer is lost or unreadable, an
   * `OutcomeUnknownError` says how to check, and the client keeps the old key (it cannot
   * know a new one): `getKeyInfo()` answers if nothing was reissued, and fails with
   * `AUTH_API_KEY_REVOKED` if it was.
   */
  reissueKey(options?: CallOptions): Promise<Cs2CapReissuedKey>;
  /**
   * What the server's `X-RateLimit-*` headers last said: the key's tier, its monthly quota
   * (sent when it runs low) and its stream starts. Costs no request. Once the server has said
   * a quota is spent until a later time, calls that need it fail with `QuotaExceededError`
   * without being sent.
   */
  quotaStatus(): Cs2CapQuotaStatus;
  /** Read the key's effective rate and apply it to the limiter. */
  syncLimits(options?: CallOptions): Promise<Cs2CapSyncedLimits>;
  /** Child keys (Quant; root key or session only): list, create, read, change, revoke, reissue. */
  readonly subKeys: {
    /** Child keys (Quant; root key only): a page when awaited, every key from it on with `for await`. */
    list(query?: Cs2CapAccountPageQuery, options?: CallOptions): PagePromise<Cs2CapSubKeyList, Cs2CapSubKeyDetail>;
/** Create a child key; its plaintext key is returned once. Never retried. */
    create(input: Cs2CapSubKeyCreate, options?: CallOptions): Promise<Cs2CapCreatedSubKey>;
/** Revoke a child key. */
    revoke(keyId: string, options?: CallOptions): Promise<Cs2CapSubKeyRevoked>;
    /** One child key: its metadata, effective limits and requests this month. */
    get(keyId: string, options?: CallOptions): Promise<Cs2CapSubKeyDetail>;
    /** Rename a child key or change its limits (never above the parent's); safe to repeat. */
    update(keyId: string, input: Cs2CapSubKeyUpdate, options?: CallOptions): Promise<Cs2CapSubKeyDetail>;
    /**
     * Revoke a child key and issue it a new one (same name and limits), shown once. Never
     * repeated: a lost answer is an `OutcomeUnknownError` saying how to check.
     */
    reissue(keyId: string, options?: CallOptions): Promise<Cs2CapCreatedSubKey>;
  };
  /** The account's watchlist (see `Cs2CapWatchlist`). */
  readonly watchlist: Cs2CapWatchlist;
  /** Valuations and saved portfolios with their ledger (see `Cs2CapPortfolios`). */
  readonly portfolios: Cs2CapPortfolios;
  /** Steam inventories (see `Cs2CapInventory`). */
  readonly inventory: Cs2CapInventory;
  /** Price and spread alerts (see `Cs2CapAlerts`). */
  readonly alerts: Cs2CapAlerts;
  /** Webhook endpoints, Quant (see `Cs2CapWebhooks`). */
  readonly webhooks: Cs2CapWebhooks;
/** Listen to `request`, `response`, `retry`, `rateLimited` events; returns an unsubscribe function. */
  on<K extends MarketEventName>(event: K, listener: (e: MarketEvents[K]) => void): () => void;
}

/** A CS2Cap client: typed calls, its rate limit, retries, no key in any output. */
export function createCs2CapClient(given: Cs2CapClientOptions = {}): Cs2CapClient {
  const options = withEnvironment(parseInput(PROVIDER, 'createCs2CapClient', envOnly, given), cs2capEnvSettings);
  const opts = parseInput(PROVIDER, 'createCs2CapClient', optionsSchema, options);
  let apiKey = opts.apiKey;
  const retiredKeys: string[] = [];
  // Webhook secrets this client has seen: scrubbed from anything a server echoes, like keys.
  const webhookSecrets: string[] = [];
  let isRoot: boolean | undefined;
  // The rate was set by the caller or read from the key: the tier header must not change it.
  let rateIsKnown = options.rateLimit?.default !== undefined;
  const quota = new Cs2CapQuotaTracker();
  const tiers = new Cs2CapTierGate();

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    authenticate: () => ({ Authorization: `Bearer ${apiKey}` }),
    mapError: mapCs2CapError,
    secrets: () => [apiKey, ...retiredKeys, ...webhookSecrets],
    guard: ({ method, path, sending }) => {
      tiers.check(method, path);
      quota.check(method, path, { askAgain: sending });
    },
    observeResponse: (res) => {
      const pauseMs = quota.observe(res);
      tiers.learn(quota.tier);
      slowDownToTier(quota.tier);
      return pauseMs;
    },
  };
  const defaults = cs2capDefaultLimits(opts.tier);
  const core = createClientCore({ adapter, defaultBaseUrl: CS2CAP_BASE_URL, defaultLimits: defaults, quotaKey: opts.apiKey, client: options });
  const sender = core.sender;
  const sendOperation = createOperationSender(sender);
  /** The tier header names a slower tier than assumed (`tier` was wrong): slow down, never speed up. */
  const slowDownToTier = (tier: string | undefined): void => {
    if (rateIsKnown || tier === undefined || !(tier in CS2CAP_TIER_RPM)) return;
    const rpm = CS2CAP_TIER_RPM[tier as Cs2CapTier];
    const limiter = core.limiters.get('default');
    if (!limiter || !isRollingWindow(limiter.spec) || rpm >= limiter.spec.limit) return;
    rateIsKnown = true;
    void limiter.updateSpec({ limit: rpm, windowMs: 60_000 }).catch(() => undefined);
  };
  const get = <T>(path: string, schema: z.ZodType<T>, query: Record<string, unknown> | undefined, call?: CallOptions): Promise<T> =>
    sender.send({ method: 'GET', path, query: query as never, limitClass: 'default', safety: 'read', schema, call });

  /** The rows of a bulk stream: how each is checked and built (see `ndjsonRows`). */
  interface StreamRows<Wire, Row> {
    schema: z.ZodType<Wire>;
    accepts: (json: unknown) => boolean;
    map: (row: Wire) => Row;
    /** The key of the row's decimal price twin, read beside JSON.parse (json-decimal-aside.ts). */
    decimalKey: string;
  }
  const stream = async <Wire, Row>(path: '/prices' | '/bids', query: Cs2CapStreamQuery, rows: StreamRows<Wire, Row>, call?: CallOptions): Promise<Cs2CapStream<Row>> => {
    const q = parseInput(PROVIDER, `stream ${path}`, s.streamQuerySchema, query);
    // A start consumes the 24 h stream quota: never repeated (unsafe), a lost answer is reported.
    const res = await sender.sendStream({ method: 'POST', path, query: { providers: q.providers }, limitClass: 'default', safety: 'unsafe', outcomeHint: STREAM_OUTCOME_HINT, schema: z.unknown(), call });
    const header = (name: string): string | undefined => (typeof res.headers[name] === 'string' ? (res.headers[name] as string) : undefined);
    const total = header('x-snapshot-total');
    const { decimalKey, ...check } = rows;
    return {
      snapshotAt: header('x-snapshot-timestamp'),
      total: total !== undefined && /^\d+$/.test(total) ? Number(total) : undefined,
      rows: ndjsonRows(res.stream, { provider: PROVIDER, path, method: 'POST', ...check, parse: jsonParserWithDecimalAside(decimalKey), idleTimeoutMs: opts.timeoutMs ?? 30_000, signal: call?.signal }),
    };
  };

  const itemQuery = (q: { marketHashName?: string | undefined; itemId?: number | undefined; phase?: string | undefined }) => ({
    item_id: q.itemId,
    market_hash_name: q.marketHashName,
    phase: q.phase,
  });

  const client: Cs2CapClient = {
    id: PROVIDER,
    has: Object.freeze({ asks: true, bids: true, listings: false, trading: false, fx: true, eventMarkets: false }) satisfies Capabilities,

    getPrices: offsetList(PROVIDER, (p) => p.items, (p) => p.pagination.has_next, async (query, call) => {
      const q = parseInput(PROVIDER, 'getPrices', s.pricesQuerySchema, query);
      const page = await get('/prices', s.pricesPageSchema, { ...itemQuery(q), providers: q.providers, currency: q.currency, limit: q.limit, offset: q.offset }, call);
      return r.pricesPage(page);
    }),

    async getPricesBatch(query, call) {
      const q = parseInput(PROVIDER, 'getPricesBatch', s.batchQuerySchema, query);
      // A POST, but a lookup: repeating it changes nothing.
      const res = await sender.send({
        method: 'POST',
        path: '/prices/batch',
        body: { item_ids: q.itemIds, market_hash_names: q.marketHashNames, providers: q.providers, currency: q.currency ?? 'USD' },
        limitClass: 'default',
        safety: 'read',
        schema: s.batchPricesSchema,
        call,
      });
      return r.batchPrices(res);
    },

    async getBidsBatch(query, call) {
      const q = parseInput(PROVIDER, 'getBidsBatch', s.batchQuerySchema, query);
      const res = await sendOperation('batchBidLookup', {
        body: { item_ids: q.itemIds, market_hash_names: q.marketHashNames, providers: q.providers, currency: q.currency ?? 'USD' },
        call,
      });
      return r.batchBids(res);
    },

    getBids: offsetList(PROVIDER, (p) => p.items, (p) => p.pagination.has_next, async (query, call) => {
      const q = parseInput(PROVIDER, 'getBids', s.pricesQuerySchema, query);
      // The docs disagree on the default limit (§9 #19): always send one.
      const page = await get('/bids', s.bidsPageSchema, { ...itemQuery(q), providers: q.providers, currency: q.currency, limit: q.limit ?? 100, offset: q.offset }, call);
      return r.bidsPage(page);
    }),

    getPriceHistory: cursorList(PROVIDER, (p) => p.items, (p) => (p.pagination.has_next ? p.pagination.next_cursor : null), async (query, call) => {
      const q = parseInput(PROVIDER, 'getPriceHistory', s.historyQuerySchema, query);
      return r.priceHistoryPage(await get('/prices/history', s.priceHistoryPageSchema, { ...itemQuery(q), provider: q.provider, start: q.start, end: q.end, currency: q.currency, limit: q.limit, cursor: q.cursor }, call));
    }),

    priceHistory(query, call) {
      parseInput(PROVIDER, 'priceHistory', s.historyQuerySchema, query);
      return itemsWhenIterated(() => client.getPriceHistory(query, call));
    },

    async getPriceCandles(query, call) {
      const q = parseInput(PROVIDER, 'getPriceCandles', s.candlesQuerySchema, query);
      const page = await get(
        '/prices/candles',
        s.candlesPageSchema,
        { ...itemQuery(q), interval: q.interval, lookback: q.lookbackDays === undefined ? undefined : `${q.lookbackDays}d`, start: q.start, end: q.end, fill: q.fill, currency: q.currency },
        call,
      );
      return r.candles(page);
    },

    getSales: cursorList(PROVIDER, (p) => p.items, (p) => (p.pagination.has_next ? p.pagination.next_cursor : null), async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'getSales', s.salesQuerySchema, query);
      const page = await get(
        '/sales',
        s.salesPageSchema,
        {
          ...itemQuery(q),
          providers: q.providers,
          min_float: q.minFloat,
          max_float: q.maxFloat,
          paint_seed: q.paintSeed,
          stickers: q.stickers,
          charms: q.charms,
          currency: q.currency,
          limit: q.limit,
          cursor: q.cursor,
        },
        call,
      );
      return r.salesPage(page);
    }),

    sales(query = {}, call) {
      parseInput(PROVIDER, 'sales', s.salesQuerySchema, query);
      return itemsWhenIterated(() => client.getSales(query, call));
    },

    listItems: offsetList(PROVIDER, (p) => p.items, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'listItems', s.itemsQuerySchema, query);
      const page = await get(
        '/items',
        s.itemsPageSchema,
        {
          q: q.q,
          item_id: q.itemId,
          market_hash_name: q.marketHashName,
          item_type: q.itemType,
          weapon_type: q.weaponType,
          wear_name: q.wearName,
          phase: q.phase,
          rarity_name: q.rarityName,
          item_subtype: q.itemSubtype,
          rarity_color: q.rarityColor,
          style_name: q.styleName,
          collection: q.collection,
          base_name: q.baseName,
          skin_name: q.skinName,
          crates: q.crates,
          is_stattrak: q.isStattrak,
          is_souvenir: q.isSouvenir,
          limit: q.limit,
          offset: q.offset,
        },
        call,
      );
      return r.itemsPage(page);
    }),

    async getProviders(query = {}, call) {
      const q = parseInput(PROVIDER, 'getProviders', z.object({ provider: z.string().regex(/^[a-z0-9_]{1,40}$/).optional() }).strict(), query);
      return r.providers(await get('/providers', s.providersSchema, { provider: q.provider }, call));
    },

    async getFxRates(call) {
      const fx = await get('/fx', s.fxSchema, undefined, call);
      return fxTable('USD', fx.rates, PROVIDER, fx.timestamp ?? undefined);
    },

    getArbitrage: offsetList(PROVIDER, (p) => p.data.items, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'getArbitrage', s.arbitrageQuerySchema, query);
      const page = await get(
        '/market/arbitrage',
        s.arbitragePageSchema,
        { min_spread_pct: q.minSpreadPct, providers_buy: q.providersBuy, providers_sell: q.providersSell, limit: q.limit, offset: q.offset },
        call,
      );
      return r.arbitragePage(page);
    }),

    arbitrage(query = {}, call) {
      parseInput(PROVIDER, 'arbitrage', s.arbitrageQuerySchema, query);
      return itemsWhenIterated(() => client.getArbitrage({ ...query, offset: 0 }, call));
    },

    streamPrices(query = {}, call) {
      return stream('/prices', query, { schema: s.marketItemSchema, accepts: s.isMarketItem, map: streamedPrice, decimalKey: 'lowest_ask_decimal' }, call);
    },

    streamBids(query = {}, call) {
      return stream('/bids', query, { schema: s.buyOrderItemSchema, accepts: s.isBuyOrderItem, map: streamedBid, decimalKey: 'highest_bid_decimal' }, call);
    },

    async getKeyInfo(call) {
      const info = r.keyInfo((await get('/account/key', s.keyInfoSchema, undefined, call)).key);
      isRoot = info.is_root_key && !info.key_prefix.includes('child');
      // The tier header, when the server sent one, is the better witness.
      if (quota.tier === undefined) tiers.learn(tierOfKeyInfo(info));
      return info;
    },

    async reissueKey(call) {
      if (isRoot === undefined) await client.getKeyInfo(call);
      if (!isRoot) {
        throw new CapabilityError({ provider: PROVIDER, code: 'capability_missing', message: 'cs2cap: a child key cannot reissue keys; use the root key' });
      }
      // A lost or unreadable answer is an OutcomeUnknownError carrying REISSUE_OUTCOME_HINT.
      // The client keeps the old key then: it cannot know a new one, and the next call with
      // the old key says which it was (a 401 AUTH_API_KEY_REVOKED once it was reissued).
      const res = await sender.send({ method: 'POST', path: '/account/key/reissue', limitClass: 'default', safety: 'unsafe', outcomeHint: REISSUE_OUTCOME_HINT, schema: s.reissueSchema, call });
      retiredKeys.push(apiKey);
      apiKey = res.key; // calls still queued authenticate with the new key at send time
      return Object.freeze({ key: new SecretString(res.key), id: res.id, key_prefix: res.key_prefix, created_at: res.created_at });
    },

    async syncLimits(call) {
      const info = await client.getKeyInfo(call);
      const rpm = info.effective_rate_requests_per_minute;
      if (rpm > 0 && !options.rateLimit?.default) {
        rateIsKnown = true;
        await core.limiters.get('default')?.updateSpec({ limit: rpm, windowMs: 60_000 });
      }
      return { requestsPerMinute: rpm, quotaPerMonth: info.effective_quota_requests_per_month };
    },

    subKeys: {
      list: offsetList(PROVIDER, (p) => p.keys, (p) => p.pagination.has_next, async (query = {}, call) => {
        const q = parseInput(PROVIDER, 'subKeys.list', s.accountPageQuerySchema, query);
        const page = await get('/account/sub-keys', s.subKeyListSchema, { limit: q.limit ?? 25, offset: q.offset }, call);
        return { keys: page.keys.map(r.subKeyDetail), pagination: r.pagination(page.pagination) };
      }),
      async create(input, call) {
        const q = parseInput(PROVIDER, 'subKeys.create', s.subKeyCreateSchema, input);
        // No idempotency key exists for CS2Cap: a lost answer is reported, never resent.
        const res = await sender.send({
          method: 'POST',
          path: '/account/sub-keys',
          body: { name: q.name, quota_requests_per_month_override: q.quotaRequestsPerMonth, rate_requests_per_minute_override: q.rateRequestsPerMinute },
          limitClass: 'default',
          safety: 'unsafe',
          outcomeHint: `The child key may have been created. To check: call subKeys.list() and look for a key named ${JSON.stringify(q.name)}. If it is there it was created, but its key is shown only once and is lost: revoke it (subKeys.revoke(id)) and create another`,
          schema: s.subKeyCreatedSchema,
          call,
        });
        return Object.freeze({ key: new SecretString(res.key), key_info: r.keyInfo(res.key_info) });
      },
      async revoke(keyId, call) {
        const id = parseInput(PROVIDER, 'subKeys.revoke', s.resourceIdSchema, keyId);
        // Revoking twice is harmless, so it may be retried.
        const res = await sender.send({ method: 'DELETE', path: `/account/sub-keys/${pathSegment(id)}`, limitClass: 'default', safety: 'idempotent', schema: s.subKeyRevokedSchema, call });
        return { ok: res.ok, key_id: res.key_id, revoked_at: res.revoked_at };
      },
      async get(keyId, call) {
        const id = parseInput(PROVIDER, 'subKeys.get', s.resourceIdSchema, keyId);
        return r.subKeyDetail(await sendOperation('getSubKey', { pathParams: { key_id: id }, call }));
      },
      async update(keyId, input, call) {
        const id = parseInput(PROVIDER, 'subKeys.update', s.resourceIdSchema, keyId);
        const q = parseInput(PROVIDER, 'subKeys.update', s.subKeyUpdateSchema, input);
        const res = await sendOperation('updateSubKey', {
          pathParams: { key_id: id },
          body: { name: q.name, quota_requests_per_month_override: q.quotaRequestsPerMonth, rate_requests_per_minute_override: q.rateRequestsPerMinute },
          call,
        });
        return r.subKeyDetail(res);
      },
      async reissue(keyId, call) {
        const id = parseInput(PROVIDER, 'subKeys.reissue', s.resourceIdSchema, keyId);
        const res = await sendOperation('reissueSubKey', {
          pathParams: { key_id: id },
          outcomeHint: `The child key may have been reissued. To check: make any call with the old child key: if it fails with AuthenticationError (AUTH_API_KEY_REVOKED) it was reissued, and the new key, shown only once, is lost: reissue it again (subKeys.reissue('${id}')) to get one`,
          schema: s.subKeyCreatedSchema,
          call,
        });
        return Object.freeze({ key: new SecretString(res.key), key_info: r.keyInfo(res.key_info) });
      },
    },

    watchlist: createWatchlistCalls(sendOperation),
    portfolios: createPortfolioCalls(sendOperation, sender),
    inventory: createInventoryCalls(sendOperation),
    ...createAnalyticsCalls(sendOperation),

    ...createNotificationCalls(sender, (secret) => webhookSecrets.push(secret)),

    async getQuotes(instrument, quoteOptions: QuoteOptions = {}) {
      const currency = quoteOptions.currency ?? 'USD';
      const call = { signal: quoteOptions.signal, timeoutMs: quoteOptions.timeoutMs };
      const [prices, bids] = await Promise.all([
        client.getPrices({ marketHashName: instrument, currency }, call),
        client.getBids({ marketHashName: instrument, currency }, call).catch((error: unknown) => {
          // Bids need Starter or above; a lower tier still gets asks.
          if (error instanceof PermissionError) return undefined;
          throw error;
        }),
      ]);
      return quotesFrom(instrument, prices, bids);
    },

    quotaStatus: () => quota.status(),

    on: (event, listener) => core.events.on(event, listener),
    close: () => core.close(),
  };
  return Object.freeze(client);
}

/**
 * A streamed price (USD, the streams' one currency) as Money: decimal text in canonical cents
 * form ("0.05", "1234.56": digits, two decimals, no leading zero; nearly every streamed price)
 * is already its own amount, so it skips money()'s general parse (a third of what building a
 * streamed row cost); any other text or none takes `amountOf`. Equal to it, frozen like it
 * (test/unit/cs2cap-stream-speed.test.ts).
 */
function streamedUsd(decimal: string | null | undefined, minor: number): Cs2CapPrice['lowest_ask'] {
  if (decimal) {
    const n = decimal.length;
    let cents = n >= 4 && decimal.charCodeAt(n - 3) === 0x2e && (n === 4 || decimal.charCodeAt(0) !== 0x30);
    for (let k = 0; cents && k < n; k++) {
      const c = decimal.charCodeAt(k);
      if ((c < 0x30 || c > 0x39) && k !== n - 3) cents = false;
    }
    if (cents) return Object.freeze({ currency: 'USD', amount: decimal });
  }
  return r.amountOf(decimal, minor, 'USD');
}

// A streamed row is built field by field, as `priceRow` / `bidRow` build a page's (one shape,
// no spread), with its price from `streamedUsd`.
const streamedPrice = (i: Raw<typeof s.marketItemSchema>): Cs2CapPrice => ({
  provider: i.provider,
  item_id: i.item_id,
  market_hash_name: i.market_hash_name,
  phase: i.phase,
  lowest_ask: streamedUsd(i.lowest_ask_decimal, i.lowest_ask),
  quantity: i.quantity,
  link: i.link,
  url: i.url,
  timestamp: i.timestamp,
  last_updated: i.last_updated,
});
const streamedBid = (i: Raw<typeof s.buyOrderItemSchema>): Cs2CapBid => ({
  provider: i.provider,
  item_id: i.item_id,
  market_hash_name: i.market_hash_name,
  phase: i.phase,
  highest_bid: streamedUsd(i.highest_bid_decimal, i.highest_bid),
  num_bids: i.num_bids,
  timestamp: i.timestamp,
  last_updated: i.last_updated,
});

function quotesFrom(instrument: string, prices: Cs2CapPricesPage, bids: Cs2CapBidsPage | undefined): Quote[] {
  const byVenue = new Map<string, { ask?: Cs2CapPrice; bid?: Cs2CapBid }>();
  for (const p of prices.items) byVenue.set(p.provider, { ...byVenue.get(p.provider), ask: p });
  for (const b of bids?.items ?? []) byVenue.set(b.provider, { ...byVenue.get(b.provider), bid: b });
  return [...byVenue.entries()].map(([venue, { ask, bid }]) => ({
    provider: PROVIDER,
    venue,
    instrument: ask?.market_hash_name ?? bid?.market_hash_name ?? instrument,
    ask: ask?.lowest_ask,
    askQuantity: ask ? String(ask.quantity) : undefined,
    bid: bid?.highest_bid,
    bidQuantity: bid ? String(bid.num_bids) : undefined,
    updatedAt: ask?.timestamp ?? bid?.timestamp ?? undefined,
    url: ask?.url ?? ask?.link ?? undefined,
  }));
}

