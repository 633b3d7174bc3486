import { randomUUID } from 'node:crypto';
import { envOnly, withEnvironment, type EnvSource } from '../../src/env.js';
import { csboardEnvSettings } from './env.js';
import { z } from 'zod';
import { createClientCore, commonOptionsShape, type CommonClientOptions } from '../../src/client-core.js';
import { CapabilityError, type MarketError } from '../../src/errors.js';
import type { MarketEventName, MarketEvents } from '../../src/events.js';
import { ndjsonRows } from '../../src/http/ndjson.js';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import { pathSegment } from '../../src/http/query.js';
import type { CallOptions, ProviderAdapter, RequestSpec } from '../../src/http/request-sender.js';
import { compareMoney, fxTable, type FxTable } from '../../src/money.js';
import type { Capabilities, MarketProvider, QuoteOptions } from '../../src/provider.js';
import { parseInput } from '../../src/validation.js';
import { CsboardAuthGuard } from './auth-guard.js';
import { mapCsboardError } from './errors.js';
import { CSBOARD_DEFAULT_LIMITS, type CsboardLimitClass } from './limits.js';
import * as s from './schemas.js';
import type {
  CsboardAvailability,
  CsboardBalance,
  CsboardClaim,
  CsboardHealth,
  CsboardListing,
  CsboardListingsPage,
  CsboardListingsQuery,
  CsboardMarketBuy,
  CsboardMarketBuyInput,
  CsboardOrder,
  CsboardOrdersInfoQuery,
  CsboardOrdersPage,
  CsboardOrdersQuery,
  CsboardPlacedOrder,
  CsboardPlaceOrder,
  CsboardPriceRow,
  CsboardPricesPage,
  CsboardPricesQuery,
  CsboardSnapshot,
  CsboardSnapshotOptions,
} from './types.js';

/** The documented CSBoard API root. */
export const CSBOARD_BASE_URL = 'https://csboard.com/v1';
const PROVIDER = 'csboard';
/** The one endpoint that takes no key: its answers prove nothing about the key. */
const HEALTH_PATH = '/health';

/** Options of `createCsboardClient`. */
export interface CsboardClientOptions extends CommonClientOptions<CsboardLimitClass> {
  /** `csb_pub_…`; sent only in the Authorization header, never as `api_key=`. Default: from the environment (see `env`). */
  apiKey?: string | undefined;
  /**
   * Where unset settings are read from (default `process.env`; `false` reads nothing):
   * `CSBOARD_API_BASE`; when the endpoint is not given in code, `CSBOARD_TRADING_API_KEY`
   * (with `trading: true`) or `CSBOARD_API_KEY` with `CSBOARD_TRADING` (src/env.ts).
   */
  env?: EnvSource | undefined;
  /**
   * `false` (default): buying calls are refused locally. `true`: the key may buy.
   * `'detect'`: read `trading_enabled` from `GET /v1/balance` once.
   */
  trading?: boolean | 'detect' | undefined;
  /** How long a snapshot download may stall before it fails (default 30 s). */
  snapshotIdleTimeoutMs?: number | undefined;
}

const optionsSchema = z
  .object({
    ...commonOptionsShape,
    apiKey: z.string({ message: 'required: give apiKey or set CSBOARD_API_KEY' }).regex(s.API_KEY, 'must be a CSBoard key starting with csb_pub_'),
    trading: z.union([z.boolean(), z.literal('detect')]).optional(),
    snapshotIdleTimeoutMs: z.number().int().positive().max(600_000).optional(),
  })
  .strict();

type Raw<T extends z.ZodType> = z.output<T>;

/** A CSBoard client: every documented call, with its rate limits, the bad-key guard and, for buys, idempotency. */
export interface CsboardClient extends MarketProvider {
  /** `csboard`: which provider this client speaks to. */
  readonly id: 'csboard';
  /** What it offers: asks, listings and FX; `trading` once the client knows the key may buy (`trading: true`, or `'detect'` after the balance said so). */
  readonly has: Capabilities;
/** Is the API up, and how old are its prices (no key needed). */
  health(options?: CallOptions): Promise<CsboardHealth>;
/** One page of live listings. */
  listListings(query?: CsboardListingsQuery, options?: CallOptions): PagePromise<CsboardListingsPage, CsboardListing>;
  /**
   * Every listing matching the query, following `next_cursor`.
   * @deprecated Iterate the page call instead: `for await (const listing of csboard.listListings(query))`.
   */
  listings(query?: Omit<CsboardListingsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<CsboardListing, void, undefined>;
/** Which of up to 100 listings are still buyable. */
  checkAvailability(ids: readonly string[], options?: CallOptions): Promise<CsboardAvailability>;
/** One page of min-ask prices per item group. */
  listPrices(query?: CsboardPricesQuery, options?: CallOptions): PagePromise<CsboardPricesPage, CsboardPriceRow>;
/**
 * Every min-ask price row, following `next_cursor`.
 * @deprecated Iterate the page call instead: `for await (const row of csboard.listPrices(query))`.
 */
  prices(query?: Omit<CsboardPricesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<CsboardPriceRow, void, undefined>;
  /** The whole price list, streamed; `etag` from a previous download gives `unchanged` when nothing changed. */
  downloadSnapshot(options?: CsboardSnapshotOptions): Promise<CsboardSnapshot>;
/** CSBoard's FX table (1 USD = rate). */
  getCurrencyRates(options?: CallOptions): Promise<FxTable>;
/** The balance, and whether this key may trade. */
  getBalance(options?: CallOptions): Promise<CsboardBalance>;
  /**
   * Buy 1–10 listings from the balance. `maxPriceUsd` caps the total; the idempotency key is
   * fixed once per call (generated if not given) and sent on every attempt.
   */
  placeOrder(input: CsboardPlaceOrder, options?: CallOptions): Promise<CsboardPlacedOrder>;
  /** Buy up to 100 listings delivered to a trade URL; `customId` is the idempotency key. */
  marketBuy(input: CsboardMarketBuyInput, options?: CallOptions): Promise<CsboardMarketBuy>;
/** One page of the order history, newest first. */
  listOrders(query?: CsboardOrdersQuery, options?: CallOptions): PagePromise<CsboardOrdersPage, CsboardOrder>;
/**
 * Every order in the history, following `meta.next_cursor`.
 * @deprecated Iterate the page call instead: `for await (const order of csboard.listOrders(query))`.
 */
  orders(query?: Omit<CsboardOrdersQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<CsboardOrder, void, undefined>;
/** One order with its items. */
  getOrder(orderId: string, options?: CallOptions): Promise<CsboardOrder>;
/** Up to 200 orders by order id or custom id. */
  getOrdersInfo(query: CsboardOrdersInfoQuery, options?: CallOptions): Promise<CsboardOrder[]>;
  /** Release a held order. A `425 hold_not_cleared` error carries `details.hold_until`. */
  claimOrder(orderId: string, options?: CallOptions): Promise<CsboardClaim>;
/** Listen to `request`, `response`, `retry`, `rateLimited` events; returns an unsubscribe function. */
  on<K extends MarketEventName>(event: K, listener: (e: MarketEvents[K]) => void): () => void;
}

/** A CSBoard client: read or trading key, safe buying, the IP-ban guard, its rate limits. */
export function createCsboardClient(given: CsboardClientOptions = {}): CsboardClient {
  const options = withEnvironment(parseInput(PROVIDER, 'createCsboardClient', envOnly, given), csboardEnvSettings);
  const opts = parseInput(PROVIDER, 'createCsboardClient', optionsSchema, options);
  const apiKey = opts.apiKey;
  const guard = new CsboardAuthGuard(opts.baseUrl ?? CSBOARD_BASE_URL, apiKey, opts.timeoutMs);
  // undefined = not known yet ('detect' before the first balance read)
  let tradingEnabled: boolean | undefined = opts.trading === 'detect' ? undefined : (opts.trading ?? false) && !guard.isReadOnly();

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    authenticate: () => ({ Authorization: `Bearer ${apiKey}` }),
    mapError: mapCsboardError,
    secrets: () => [apiKey],
    guard: ({ auth }) => guard.check(auth),
    around: ({ auth, signal, sent }, send) => guard.enter(auth, signal, send, sent),
    observeResponse: ({ auth, status }) => {
      if (auth) guard.answered(status);
    },
    observeError: (error: MarketError) => {
      if (error.status === 401) guard.refused(error.path !== HEALTH_PATH, error.code === 'auth_banned' ? error.retryAfterMs : undefined);
      if (error.providerCode === 'trading_not_enabled') {
        tradingEnabled = false;
        guard.markReadOnly();
      }
    },
    rateLimitScope: (error) => (error.providerCode === 'snapshot_rate_limited' ? 'class' : 'key'),
  };
  const core = createClientCore({ adapter, defaultBaseUrl: CSBOARD_BASE_URL, defaultLimits: CSBOARD_DEFAULT_LIMITS, quotaKey: apiKey, client: options });
  guard.useRedis(core.redis);
  const send = <T>(spec: RequestSpec<T>): Promise<T> => core.sender.send(spec);
  const get = <T>(path: string, schema: z.ZodType<T>, query?: Record<string, unknown>, call?: CallOptions, auth = true): Promise<T> =>
    send({ method: 'GET', path, query: query as never, limitClass: 'read', safety: 'read', schema, call, auth });

  const requireTrading = async (operation: string, call?: CallOptions): Promise<void> => {
    if (tradingEnabled === undefined) tradingEnabled = (await client.getBalance(call)).trading_enabled;
    if (!tradingEnabled || guard.isReadOnly()) {
      throw new CapabilityError({
        provider: PROVIDER,
        code: 'capability_missing',
        message: `csboard.${operation}: this key is read-only (create the client with trading: true for a trading-enabled key); nothing was sent`,
      });
    }
  };

  const listingParams = (q: Raw<typeof s.listingsQuerySchema>) => ({
    search: q.search, category: q.category, wear: q.wear, rarity: q.rarity, min_price: q.minPrice, max_price: q.maxPrice,
    min_float: q.minFloat, max_float: q.maxFloat, stat_trak: q.statTrak, souvenir: q.souvenir, sort: q.sort, cursor: q.cursor, limit: q.limit,
  });

  const client: CsboardClient = {
    id: PROVIDER,
    get has(): Capabilities {
      return { asks: true, bids: false, listings: true, trading: tradingEnabled === true, fx: true, eventMarkets: false };
    },

    health: (call) => get(HEALTH_PATH, s.healthSchema, undefined, call, false),

    listListings: cursorList(PROVIDER, (p) => p.items, (p) => p.next_cursor, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'listListings', s.listingsQuerySchema, query);
      const page = await get('/listings', s.listingsPageSchema, listingParams(q), call);
      return { items: page.items, next_cursor: page.next_cursor };
    }),

    listings(query = {}, call) {
      parseInput(PROVIDER, 'listings', s.listingsQuerySchema, query);
      return itemsWhenIterated(() => client.listListings(query, call));
    },

    async checkAvailability(ids, call) {
      const list = parseInput(PROVIDER, 'checkAvailability', s.availabilityInputSchema, ids);
      return (await get('/listings/availability', s.availabilitySchema, { ids: list.join(',') }, call)).data;
    },

    listPrices: cursorList(PROVIDER, (p) => p.items, (p) => p.next_cursor, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'listPrices', s.pricesQuerySchema, query);
      const page = await get('/prices', s.pricesPageSchema, { search: q.search, category: q.category, wear: q.wear, rarity: q.rarity, min_price: q.minPrice, max_price: q.maxPrice, cursor: q.cursor, limit: q.limit }, call);
      return { items: page.items, next_cursor: page.next_cursor };
    }),

    prices(query = {}, call) {
      parseInput(PROVIDER, 'prices', s.pricesQuerySchema, query);
      return itemsWhenIterated(() => client.listPrices(query, call));
    },

    async downloadSnapshot(snapOptions = {}) {
      const etag = parseInput(PROVIDER, 'downloadSnapshot', s.etagInput.optional(), snapOptions.etag);
      const res = await core.sender.sendStream({
        method: 'GET',
        path: '/prices/snapshot.ndjson.gz',
        // A streamed read asks for gzip by itself (src/http/transport.ts).
        headers: etag ? { 'If-None-Match': etag } : undefined,
        limitClass: 'snapshot',
        safety: 'read',
        schema: z.unknown(),
        okStatuses: [304],
        call: snapOptions,
      });
      const newTag = typeof res.headers['etag'] === 'string' ? res.headers['etag'] : undefined;
      if (res.status === 304) {
        res.stream.destroy();
        return { status: 'unchanged', etag: newTag ?? etag ?? '' };
      }
      const rows = ndjsonRows(res.stream, {
        provider: PROVIDER,
        path: '/prices/snapshot.ndjson.gz',
        schema: s.priceRowWireSchema,
        accepts: s.isPriceRow,
        map: s.priceRowFromWire,
        idleTimeoutMs: opts.snapshotIdleTimeoutMs ?? opts.timeoutMs ?? 30_000,
        signal: snapOptions.signal,
        onBytes: snapOptions.onBytes,
      });
      return { status: 'ok', etag: newTag, rows };
    },

    async getCurrencyRates(call) {
      const fx = await get('/currency', s.currencySchema, undefined, call);
      return fxTable(fx.base, fx.rates, PROVIDER, fx.updated_at);
    },

    async getBalance(call) {
      const b = await get('/balance', s.balanceSchema, undefined, call);
      // The server's word wins over `trading: true`; a client left at the default never buys.
      tradingEnabled = opts.trading === true || opts.trading === 'detect' ? b.trading_enabled && !guard.isReadOnly() : false;
      return b;
    },

    async placeOrder(input, call) {
      const q = parseInput(PROVIDER, 'placeOrder', s.placeOrderSchema, input);
      await requireTrading('placeOrder', call);
      // One key for the whole logical order: a retry after a lost answer replays it, never buys twice.
      const idempotencyKey = q.idempotencyKey ?? randomUUID();
      const body: Record<string, unknown> = { item_ids: q.itemIds };
      if (q.maxPriceUsd !== null) body.max_price_usd = q.maxPriceUsd;
      const res = await send({
        method: 'POST',
        path: '/orders',
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
        idempotencyKey,
        limitClass: 'order',
        safety: 'idempotent',
        schema: s.placedOrderSchema,
        call,
      });
      return { ...res, idempotencyKey };
    },

    async marketBuy(input, call) {
      const q = parseInput(PROVIDER, 'marketBuy', s.marketBuyInputSchema, input);
      await requireTrading('marketBuy', call);
      const customId = q.customId ?? randomUUID();
      const body: Record<string, unknown> = { item_ids: q.itemIds, partner: q.partner, token: q.token, custom_id: customId, skip_unavailable: q.skipUnavailable ?? false };
      if (q.maxPriceUsd !== null) body.max_price_usd = q.maxPriceUsd;
      const res = await send({ method: 'POST', path: '/market/buy', body, idempotencyKey: customId, limitClass: 'order', safety: 'idempotent', schema: s.marketBuySchema, call });
      return { ...res.data, customId };
    },

    listOrders: cursorList(PROVIDER, (p) => p.data, (p) => p.meta.next_cursor, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'listOrders', s.ordersQuerySchema, query);
      const page = await get('/orders', s.ordersPageSchema, { limit: q.limit, start_unix_time: q.startUnixTime, end_unix_time: q.endUnixTime, status: q.status, cursor: q.cursor }, call);
      return { data: page.data, meta: page.meta };
    }),

    orders(query = {}, call) {
      parseInput(PROVIDER, 'orders', s.ordersQuerySchema, query);
      return itemsWhenIterated(() => client.listOrders(query, call));
    },

    async getOrder(orderId, call) {
      const id = parseInput(PROVIDER, 'getOrder', s.orderIdSchema, orderId);
      return get(`/orders/${pathSegment(id)}`, s.orderEnvelopeSchema, undefined, call);
    },

    async getOrdersInfo(query, call) {
      const q = parseInput(PROVIDER, 'getOrdersInfo', s.ordersInfoInputSchema, query);
      const res = await get('/orders/info', s.ordersInfoSchema, { order_ids: q.orderIds?.join(','), custom_ids: q.customIds?.join(',') }, call);
      return res.data;
    },

    async claimOrder(orderId, call) {
      const id = parseInput(PROVIDER, 'claimOrder', s.orderIdSchema, orderId);
      await requireTrading('claimOrder', call);
      // The server refuses a second concurrent claim and never sends a trade twice.
      return send({ method: 'POST', path: `/orders/${pathSegment(id)}/claim`, limitClass: 'order', safety: 'idempotent', schema: s.claimSchema, call });
    },

    async getQuotes(instrument, quoteOptions: QuoteOptions = {}) {
      const call = { signal: quoteOptions.signal, timeoutMs: quoteOptions.timeoutMs };
      const page = await client.listPrices({ search: instrument, limit: 100 }, call);
      const rows = page.items.filter((r) => r.market_hash_name === instrument);
      if (!rows.length) return [];
      // One row per name and phase: like CS2Cap for a phaseless Doppler name, take the
      // cheapest phase and the total quantity.
      const cheapest = rows.reduce((a, b) => (compareMoney(b.min_price_usd, a.min_price_usd) < 0 ? b : a));
      const qty = rows.reduce((n, r) => n + r.qty, 0);
      return [{ provider: PROVIDER, venue: PROVIDER, instrument, ask: cheapest.min_price_usd, askQuantity: String(qty) }];
    },

    on: (event, listener) => core.events.on(event, listener),
    close: async () => {
      await guard.close();
      await core.close();
    },
  };
  return client;
}

