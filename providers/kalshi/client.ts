import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { envOnly, withEnvironment, type EnvSource } from '../../src/env.js';
import { kalshiEnvSettings } from './env.js';
import { z } from 'zod';
import { createClientCore, commonOptionsShape, type CommonClientOptions } from '../../src/client-core.js';
import { createPssSigner, type SignerEngine } from '../../src/crypto/pss-signer.js';
import { loadPrivateKey } from '../../src/crypto/rsa-keys.js';
import { AbortedError, CapabilityError, ClientClosedError, InvalidRequestError, MarketError, type MarketErrorInit, OutcomeUnknownError, PermissionError, ResponseShapeError, ValidationError } from '../../src/errors.js';
import type { MarketEventName, MarketEvents } from '../../src/events.js';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import { pathSegment } from '../../src/http/query.js';
import type { CallOptions, HttpMethod, ProviderAdapter, RepeatSafety } from '../../src/http/request-sender.js';
import { money, subtractMoney, type Money } from '../../src/money.js';
import type { Capabilities, MarketProvider, Quote, QuoteOptions } from '../../src/provider.js';
import type { TokenBucket } from '../../src/limits/specs.js';
import { SecretString } from '../../src/secret.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { mapKalshiError } from './errors.js';
import { kalshiOperations, type KalshiOperationId } from './generated/operations.js';
import type * as g from './generated/operations.js';
import { KALSHI_CANCEL_COST, KALSHI_DEFAULT_COST, kalshiDefaultLimits, type KalshiLimitClass, type KalshiTier } from './limits.js';
import { type KalshiOrderTracker, OrderTracker, type TrackOrderOptions } from './order-tracker.js';
import { type AskedOrder, reconcileOrders, type ReconcileOutcome } from './reconcile.js';
import * as s from './schemas.js';
import { signForAttempt, signWith } from './signing.js';
import { createKalshiSpecCalls, KalshiEndpointCostTable, type KalshiEndpointCost, type KalshiOperationSender, type KalshiSpecCalls } from './spec-calls.js';
import { createKalshiCommunicationsCalls, type KalshiCommunications } from './communications-calls.js';
import { createKalshiSubaccountCalls, type KalshiSubaccountCalls } from './subaccount-calls.js';
import { createKalshiFcmCalls, type KalshiFcmCalls } from './fcm-calls.js';
import { createKalshiDataCalls, type KalshiDataCalls } from './data-calls.js';
import { createKalshiHistoricalCalls, type KalshiHistoricalCalls } from './historical-calls.js';
import { createKalshiStream, type KalshiStream, type KalshiStreamOptions } from './stream/connection.js';
import type { LiveOrderBook } from './stream/order-book.js';
import type { FillMessage, UserOrderMessage } from './stream/schemas.js';
import type { KalshiSubscription } from './stream/subscription.js';
import { kalshiStreamUrl } from './stream/url.js';

/** The recommended REST roots per environment. */
export const KALSHI_BASE_URLS = {
  production: 'https://external-api.kalshi.com/trade-api/v2',
  demo: 'https://external-api.demo.kalshi.co/trade-api/v2',
} as const;
const PROVIDER = 'kalshi';

/** Options of `createKalshiClient`. */
export interface KalshiClientOptions extends CommonClientOptions<KalshiLimitClass> {
  /**
   * Where unset settings are read from (default `process.env`; `false` reads nothing):
   * `KALSHI_API_BASE`, `KALSHI_WS_BASE`; when the endpoint is not given in code,
   * `KALSHI_API_KEY_ID` with `KALSHI_PRIVATE_KEY` or `KALSHI_PRIVATE_KEY_PATH` (src/env.ts).
   */
  env?: EnvSource | undefined;
  /** The API key id; with a private key it signs private calls. Public market data needs neither. */
  keyId?: string | undefined;
  /** PKCS#1 or PKCS#8 PEM, real or `\n`-escaped newlines. */
  privateKeyPem?: string | undefined;
  /** A path to the PEM private key instead of `privateKeyPem` (read once, at creation). */
  privateKeyPath?: string | undefined;
  /** `production` (default) or `demo`: picks the REST and WebSocket hosts; a key works only in the environment that issued it. */
  environment?: 'production' | 'demo' | undefined;
  /** The account's API usage tier, for the default token buckets (default `basic`). */
  tier?: KalshiTier | undefined;
  /** `native` (default, node:crypto) or `forge` (pure JS, slow; for comparison). */
  signer?: SignerEngine | undefined;
  /** The WebSocket URL (default: derived from `baseUrl` or `environment`, see `kalshiStreamUrl`). */
  streamUrl?: string | undefined;
  /** Settings of `kalshi.stream` (timeouts, reconnect backoff, command rate, listeners). */
  stream?: KalshiClientStreamOptions | undefined;
}

/** Settings of the client's stream: everything of `createKalshiStream` but the URL and the signer. */
export type KalshiClientStreamOptions = Omit<KalshiStreamOptions, 'url' | 'sign'>;

const optionsSchema = lazySchema(() => z
  .object({
    ...commonOptionsShape,
    keyId: z.string().min(1).max(200).optional(),
    privateKeyPem: z.string().optional(),
    privateKeyPath: z.string().optional(),
    environment: z.enum(['production', 'demo']).optional(),
    tier: z.enum(['basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige']).optional(),
    signer: z.enum(['native', 'forge']).optional(),
    streamUrl: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL').optional(),
    stream: z.looseObject({}).optional(),
  })
  .strict()
  .refine((o) => !(o.privateKeyPem && o.privateKeyPath), { message: 'give privateKeyPem or privateKeyPath, not both', path: ['privateKeyPem'] })
  .refine((o) => !!o.keyId === !!(o.privateKeyPem ?? o.privateKeyPath), { message: 'keyId and a private key go together', path: ['keyId'] }));

type Raw<T extends z.ZodType> = z.output<T>;
// Results are the spec's named types (docs/results.md): the wire's names, every field, no
// index signature. The schemas in schemas.ts are the generated ones with money made strict.
/** A market (spec `Market`): prices as fixed-point dollar strings, counts as fixed-point strings. */
export type KalshiMarket = g.Market;
/** A page of markets (spec `GetMarketsResponse`); an empty `cursor` ends the list. */
export type KalshiMarketsPage = g.GetMarketsResponse;
/** A public trade (spec `Trade`). */
export type KalshiTrade = g.Trade;
/** A page of public trades (spec `GetTradesResponse`). */
export type KalshiTradesPage = g.GetTradesResponse;
/** An event (spec `EventData`) and, when asked, its markets. */
export type KalshiEvent = g.EventData;
/** A page of events (spec `GetEventsResponse`). */
export type KalshiEventsPage = g.GetEventsResponse;
/** One event and its markets (spec `GetEventResponse`). */
export type KalshiEventWithMarkets = g.GetEventResponse;
/** An order as `GET /portfolio/orders` returns it (spec `Order`). */
export type KalshiOrder = g.Order;
/** A page of your orders (spec `GetOrdersResponse`). */
export type KalshiOrdersPage = g.GetOrdersResponse;
/** A fill of one of your orders (spec `Fill`). */
export type KalshiFill = g.Fill;
/** A page of your fills (spec `GetFillsResponse`). */
export type KalshiFillsPage = g.GetFillsResponse;
/** A position in one market (spec `MarketPosition`). */
export type KalshiMarketPosition = g.MarketPosition;
/** A position in one event (spec `EventPosition`). */
export type KalshiEventPosition = g.EventPosition;
/** Market and event positions (spec `GetPositionsResponse`). */
export type KalshiPositions = g.GetPositionsResponse;
/** Whether the exchange and trading are active (spec `ExchangeStatus`). */
export type KalshiExchangeStatus = g.ExchangeStatus;
/**
 * The balance (spec `GetBalanceResponse`): `balance` and `portfolio_value` are integer cents as
 * Kalshi sends them (exact); `balance_dollars` is the same balance as a dollar string.
 */
export type KalshiBalance = g.GetBalanceResponse;
/** A cancelled order (spec `CancelOrderV2Response`). */
export type KalshiCanceledOrder = g.CancelOrderV2Response;
/** An amended order (spec `AmendOrderV2Response`). */
export type KalshiAmendedOrder = g.AmendOrderV2Response;
/** A decreased order (spec `DecreaseOrderV2Response`). */
export type KalshiDecreasedOrder = g.DecreaseOrderV2Response;
/** One order of a batch cancel (an item of spec `BatchCancelOrdersV2Response`): cancelled, or its `error`. */
export type KalshiBatchCancelResult = g.BatchCancelOrdersV2Response['orders'][number];
/** An API key (spec `ApiKey`). */
export type KalshiApiKey = g.ApiKey;
/** Your API keys (spec `GetApiKeysResponse`). */
export type KalshiApiKeys = g.GetApiKeysResponse;
/** A registered public key (spec `CreateApiKeyResponse`). */
export type KalshiCreatedApiKey = g.CreateApiKeyResponse;
/** A key pair Kalshi generated (spec `GenerateApiKeyResponse`), its private key kept out of logs. */
export type KalshiGeneratedApiKey = Omit<g.GenerateApiKeyResponse, 'private_key'> & {
  /** The PEM private key, returned once: `reveal()` it to store it; it never prints. */
  readonly private_key: SecretString;
};
/** Input of `createOrder` (V2): ticker, YES-book side, count, price, time in force. */
export type KalshiCreateOrder = z.input<typeof s.createOrderInputSchema>;
/** Filters and paging of `listMarkets`. */
export type KalshiMarketsQuery = z.input<typeof s.marketsQuerySchema>;
/** Filters and paging of `listOrders`. */
export type KalshiOrdersQuery = z.input<typeof s.ordersQuerySchema>;
/** Filters and paging of `getFills`. */
export type KalshiFillsQuery = z.input<typeof s.fillsQuerySchema>;
/** Filters and paging of `getPositions`. */
export type KalshiPositionsQuery = z.input<typeof s.positionsQuerySchema>;

/**
 * One price level of a book as Kalshi sends it: `[price, count]` — the bid's price as a
 * fixed-point dollar string (`"0.4200"`) and the contracts bid there as a fixed-point count
 * (`"10.00"`), both exact.
 */
export type KalshiBookLevel = readonly [price: string, count: string];
/** The bids of both sides of a book (spec `OrderbookCountFp`), as sent. */
export interface KalshiOrderbookLevels {
  /** YES bids, ascending by price as sent: the best YES bid is the last. Absent or null when there is none. */
  readonly yes_dollars?: readonly KalshiBookLevel[] | null | undefined;
  /** NO bids (in NO prices), ascending as sent: the best NO bid is the last; 1 − it is the best YES ask. */
  readonly no_dollars?: readonly KalshiBookLevel[] | null | undefined;
}
/**
 * An order book: the wire's `orderbook_fp` (spec `GetMarketOrderbookResponse`; an item of
 * `GetMarketOrderbooksResponse`), with the market's `ticker` and the best YES bid and ask,
 * which the wire does not carry, added as exact Money.
 */
export interface KalshiOrderbook {
  /** The market's ticker (the wire's own in `getOrderbooks`; the one asked for in `getOrderbook`). */
  readonly ticker: string;
  /** The bids of both sides, as Kalshi sends them. */
  readonly orderbook_fp: KalshiOrderbookLevels;
  /** Added: the highest YES bid (the last of `orderbook_fp.yes_dollars`), USD; undefined when there is none. */
  readonly bestYesBid?: Money | undefined;
  /** Added: the lowest YES ask, 1.00 − the best NO bid, USD; undefined when there is no NO bid. */
  readonly bestYesAsk?: Money | undefined;
}
/** The buckets `syncLimits()` read and applied, and the server's endpoint costs, under the wire's names. */
export interface KalshiSyncedLimits {
  /** The account's API usage tier (`GET /account/limits`), e.g. `basic`, `advanced`. */
  readonly usage_tier: string;
  /** The read bucket as the server sizes it; the limiter now uses it unless `rateLimit.read` was given. */
  readonly read: KalshiAccountBucket;
  /** The write bucket as the server sizes it; the limiter now uses it unless `rateLimit.write` was given. */
  readonly write: KalshiAccountBucket;
  /** Tokens a request costs when `endpoint_costs` does not list it (`GET /account/endpoint_costs`). */
  readonly default_cost: number;
  /** The endpoints that cost other than `default_cost`; every request is now charged this. */
  readonly endpoint_costs: readonly KalshiEndpointCost[];
}
/** One token bucket of `GET /account/limits`. */
export interface KalshiAccountBucket {
  /** Tokens the bucket gains per second. */
  readonly refill_rate: number;
  /** Tokens the bucket holds when full (the largest burst). */
  readonly bucket_capacity: number;
}
/** A created order (spec `CreateOrderV2Response`), with the `client_order_id` it was placed under. */
export type KalshiCreatedOrder = Omit<g.CreateOrderV2Response, 'client_order_id'> & {
  /** The order's `client_order_id`: the one given, or the one generated for this call (always set). */
  readonly client_order_id: string;
  /** True when a duplicate `client_order_id` (409) was resolved by reading the existing order. */
  readonly reconciled: boolean;
};

/**
 * One order of a batch (an item of spec `BatchCreateOrdersV2Response`): placed (`order_id`), or
 * its `error`.
 */
export type KalshiBatchResult = Omit<g.BatchCreateOrdersV2Response['orders'][number], 'client_order_id' | 'error'> & {
  /** This order's `client_order_id`: the one given, or the one generated for it (always set). */
  readonly client_order_id: string;
  /** True when a duplicate `client_order_id` was resolved by reading the order an earlier attempt placed. */
  readonly reconciled: boolean;
  /**
   * Why this order has no `order_id`: Kalshi's per-item error, or after a duplicate
   * `client_order_id` `conflict` (the id is another order's; nothing placed) or
   * `outcome_unknown` (it may exist: look it up by `client_order_id`, never re-place it under a new id).
   */
  readonly error?: KalshiBatchItemError | undefined;
};
/** Why one order of a batch failed (spec `ErrorResponse`, or the client's reconcile verdict). */
export interface KalshiBatchItemError {
  /** Kalshi's error code, or `conflict` / `outcome_unknown` after a duplicate `client_order_id`. */
  readonly code?: string | undefined;
  /** What went wrong, in words. */
  readonly message?: string | undefined;
  /** Kalshi's further details, when it sends them. */
  readonly details?: string | undefined;
}

/** A Kalshi client: the hand-written calls below and the spec-driven ones of `KalshiSpecCalls`. */
export interface KalshiClient extends MarketProvider, KalshiSpecCalls, KalshiSubaccountCalls, KalshiFcmCalls, KalshiDataCalls, KalshiHistoricalCalls {
  /** Which provider this client talks to. */
  readonly id: 'kalshi';
  /** RFQs, quotes and block-trade proposals (communications-calls.ts). */
  readonly communications: KalshiCommunications;
/** Is the exchange open (no key needed). */
  getExchangeStatus(options?: CallOptions): Promise<KalshiExchangeStatus>;
/** One page of markets (no key needed). */
  listMarkets(query?: KalshiMarketsQuery, options?: CallOptions): PagePromise<KalshiMarketsPage, KalshiMarket>;
/**
 * Every market matching the query, following `cursor`.
 * @deprecated Iterate the page call instead: `for await (const market of kalshi.listMarkets(query))`.
 */
  markets(query?: Omit<KalshiMarketsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiMarket, void, undefined>;
/** One market. */
  getMarket(ticker: string, options?: CallOptions): Promise<KalshiMarket>;
/** A market's order book (signed when a key is configured). */
  getOrderbook(ticker: string, query?: { depth?: number }, options?: CallOptions): Promise<KalshiOrderbook>;
  /**
   * The books of up to 100 markets in one signed request (`GET /markets/orderbooks`): the
   * wire's `orderbooks` list, each book with its `ticker` (a ticker Kalshi does not know may be
   * left out), for one read's tokens instead of one per market. Needs credentials.
   */
  getOrderbooks(tickers: string[], options?: CallOptions): Promise<KalshiOrderbook[]>;
/** One page of public trades. */
  listTrades(query?: z.input<typeof s.tradesQuerySchema>, options?: CallOptions): PagePromise<KalshiTradesPage, KalshiTrade>;
/**
 * Every public trade matching the query.
 * @deprecated Iterate the page call instead: `for await (const trade of kalshi.listTrades(query))`.
 */
  trades(query?: Omit<z.input<typeof s.tradesQuerySchema>, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiTrade, void, undefined>;
/** One page of events. */
  listEvents(query?: z.input<typeof s.eventsQuerySchema>, options?: CallOptions): PagePromise<KalshiEventsPage, KalshiEvent>;
/**
 * Every event matching the query.
 * @deprecated Iterate the page call instead: `for await (const event of kalshi.listEvents(query))`.
 */
  events(query?: Omit<z.input<typeof s.eventsQuerySchema>, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiEvent, void, undefined>;
/** One event and its markets. */
  getEvent(eventTicker: string, options?: CallOptions): Promise<KalshiEventWithMarkets>;
/** Your balance (signed). */
  getBalance(options?: CallOptions): Promise<KalshiBalance>;
  /**
   * Your positions (signed): awaited, one page (`market_positions`, `event_positions`,
   * `cursor`); iterated (`for await`), every market position from that page on.
   */
  getPositions(query?: KalshiPositionsQuery, options?: CallOptions): PagePromise<KalshiPositions, KalshiMarketPosition>;
  /** Your fills (signed): awaited, one page; iterated (`for await`), every fill from that page on, newest first. */
  getFills(query?: KalshiFillsQuery, options?: CallOptions): PagePromise<KalshiFillsPage, KalshiFill>;
/** One page of your orders (signed). */
  listOrders(query?: KalshiOrdersQuery, options?: CallOptions): PagePromise<KalshiOrdersPage, KalshiOrder>;
/**
 * Every order of yours matching the query.
 * @deprecated Iterate the page call instead: `for await (const order of kalshi.listOrders(query))`.
 */
  orders(query?: Omit<KalshiOrdersQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiOrder, void, undefined>;
/** One of your orders. */
  getOrder(orderId: string, options?: CallOptions): Promise<KalshiOrder>;
  /**
   * Place an order (V2). A `client_order_id` is fixed once per call and reused on every
   * attempt (it is the call's `idempotencyKey`). On a 409 duplicate the order list is read a
   * few times (bounded) and the order found compared with this one: the same order comes back
   * `reconciled`; another order's id is an `InvalidRequestError` `conflict`; no order found
   * is an `OutcomeUnknownError` carrying the `client_order_id` (see docs/kalshi.md).
   */
  createOrder(input: KalshiCreateOrder, options?: CallOptions): Promise<KalshiCreatedOrder>;
/** Cancel a resting order (V2); cancelling twice is harmless. */
  cancelOrder(orderId: string, query?: { ticker?: string }, options?: CallOptions): Promise<KalshiCanceledOrder>;
  /** Change a resting order's price and size in place (V2); `count` is filled plus the remaining you want. */
  amendOrder(orderId: string, input: z.input<typeof s.amendInputSchema>, options?: CallOptions): Promise<KalshiAmendedOrder>;
  /**
   * Reduce a resting order: `reduceTo` (repeat-safe, retried) or `reduceBy` (not repeat-safe:
   * never retried after it may have been sent).
   */
  decreaseOrder(orderId: string, input: z.input<typeof s.decreaseInputSchema>, options?: CallOptions): Promise<KalshiDecreasedOrder>;
  /**
   * Place several orders at once (V2). Each gets its `client_order_id`, fixed once, so a retry
   * after a lost answer cannot place any twice; items that an earlier attempt placed are
   * read back and checked (`reconciled`, or `error.code` `conflict` / `outcome_unknown`).
   * Per-item failures come back as `error`, not as a throw; an error of the whole call
   * carries every order's id in `details.clientOrderIds`. The whole batch must fit the write
   * bucket (10 tokens an order).
   */
  batchCreateOrders(orders: KalshiCreateOrder[], options?: CallOptions): Promise<KalshiBatchResult[]>;
  /** Cancel several orders at once (2 tokens each); per-item failures come back as `error`. */
  batchCancelOrders(orders: { orderId: string; ticker?: string }[], options?: CallOptions): Promise<KalshiBatchCancelResult[]>;
  /** Cancel every resting order of the account (V2). */
  cancelAllOrders(options?: CallOptions): Promise<void>;
  /**
   * Read this account's token buckets (`GET /account/limits`) and size the limiters by them,
   * and read the server's per-endpoint costs (`GET /account/endpoint_costs`): from then on
   * each request is charged what the server says it costs.
   */
  syncLimits(options?: CallOptions): Promise<KalshiSyncedLimits>;
  /** Your API keys: list, register, generate, delete (signed; Read bucket). */
  readonly apiKeys: {
/** Your API keys. */
    list(options?: CallOptions): Promise<KalshiApiKeys>;
    /** Register a public key you generated (Premier tier and above). */
    create(input: z.input<typeof s.apiKeyCreateInputSchema>, options?: CallOptions): Promise<KalshiCreatedApiKey>;
    /** Let Kalshi generate the pair; the private key is returned once. */
    generate(input: z.input<typeof s.apiKeyGenerateInputSchema>, options?: CallOptions): Promise<KalshiGeneratedApiKey>;
/** Delete an API key; calls signed with it fail afterwards. */
    delete(apiKeyId: string, options?: CallOptions): Promise<void>;
  };
/** Listen to `request`, `response`, `retry`, `rateLimited` events; returns an unsubscribe function. */
  on<K extends MarketEventName>(event: K, listener: (e: MarketEvents[K]) => void): () => void;
  /**
   * This key's WebSocket (`wss://…/trade-api/ws/v2`), created on first use and connected on the
   * first subscription; every handshake, reconnects included, is signed afresh. Closed by
   * `close()`. Needs credentials (a `CapabilityError` otherwise).
   */
  readonly stream: KalshiStream;
  /** The live order book of one market over the stream (same object for the same ticker). */
  orderBook(ticker: string, options?: { depth?: number | undefined }): LiveOrderBook;
  /**
   * Subscribe to your orders and fills now and resolve once the server confirmed both.
   * `trackOrder` does this on first use; call it before placing orders you will track so that
   * not even their first message has to be read back over REST.
   */
  watchOrders(): Promise<void>;
  /**
   * Follow one order by its `client_order_id` from creation to its end (resting → partially
   * filled → executed or canceled): from `user_orders` and `fill` messages, and from REST reads
   * (`GET /portfolio/orders`, then the order's fills) whenever the stream is not confirmed, was
   * reconnected, is down, or now and then. Each state and each fill is reported once; `done`
   * resolves with the final state. After an `OutcomeUnknownError` from `createOrder`, pass its
   * `idempotencyKey`: the order is found if it exists, and `done` rejects with `not_found` if it
   * never appears (see docs/streaming.md).
   */
  trackOrder(clientOrderId: string, options?: TrackOrderOptions): KalshiOrderTracker;
}

/** A Kalshi client: public market data, and with a key pair, signed portfolio and order calls. */
export function createKalshiClient(given: KalshiClientOptions = {}): KalshiClient {
  const options = withEnvironment(parseInput(PROVIDER, 'createKalshiClient', envOnly, given), kalshiEnvSettings);
  const opts = parseInput(PROVIDER, 'createKalshiClient', optionsSchema, options);
  let key: KeyObject | undefined;
  if (opts.privateKeyPem) key = loadPrivateKey({ pem: opts.privateKeyPem });
  else if (opts.privateKeyPath) key = loadPrivateKey({ path: opts.privateKeyPath });
  const signer = key ? createPssSigner(key, opts.signer) : undefined;
  const keyId = opts.keyId ?? '';
  // What a server might echo back: the key id, and the lines of the private key in every PEM
  // form it could be written in (the one given, PKCS#1, PKCS#8), plus any key generated here.
  const secretTexts = new Set<string>(keyId ? [keyId] : []);
  const addPemSecrets = (pem: string): void => {
    for (const line of pem.replace(/\\n/g, '\n').split(/\r?\n/)) if (line.trim() && !line.startsWith('-----')) secretTexts.add(line.trim());
  };
  if (opts.privateKeyPem) addPemSecrets(opts.privateKeyPem);
  if (key) {
    addPemSecrets(key.export({ type: 'pkcs1', format: 'pem' }).toString());
    addPemSecrets(key.export({ type: 'pkcs8', format: 'pem' }).toString());
  }

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    // A fresh timestamp and signature on every attempt, over the final URL's path.
    authenticate: ({ method, signedPath, inFlight }) => (signer ? signForAttempt(signer, keyId, method, signedPath, Date.now(), inFlight) : {}),
    mapError: mapKalshiError,
    secrets: () => [...secretTexts],
  };
  const baseUrl = opts.baseUrl ?? KALSHI_BASE_URLS[opts.environment ?? 'production'];
  const core = createClientCore({ adapter, defaultBaseUrl: baseUrl, defaultLimits: kalshiDefaultLimits(opts.tier), quotaKey: keyId || `anonymous:${baseUrl}`, client: { ...options, baseUrl } });

  // What the server says each endpoint costs, once syncLimits() has read it.
  const costs = new KalshiEndpointCostTable(Object.values(kalshiOperations).filter((o) => !o.path.includes('{')).map((o) => `${o.method} ${o.path}`));
  const needKey = (operation: string): void => {
    if (!signer) throw new CapabilityError({ provider: PROVIDER, code: 'capability_missing', message: `kalshi.${operation} needs keyId and a private key; nothing was sent` });
  };
  const call = <T>(method: HttpMethod, path: string, schema: z.ZodType<T>, o: { query?: Record<string, unknown>; body?: unknown; auth?: boolean; limitClass?: KalshiLimitClass; cost?: number; safety?: RepeatSafety; idempotencyKey?: string | undefined; outcomeHint?: string | undefined; call?: CallOptions | undefined } = {}): Promise<T> =>
    core.sender.send({
      method,
      path,
      query: o.query as never,
      body: o.body,
      auth: o.auth ?? true,
      limitClass: o.limitClass ?? 'read',
      cost: o.cost ?? costs.costOf(method, path, KALSHI_DEFAULT_COST),
      safety: o.safety ?? 'read',
      schema,
      idempotencyKey: o.idempotencyKey,
      outcomeHint: o.outcomeHint,
      call: o.call,
    });
  const priv = <T>(operation: string, method: HttpMethod, path: string, schema: z.ZodType<T>, o: Parameters<typeof call>[3] = {}): Promise<T> => {
    needKey(operation);
    return call(method, path, schema, o);
  };
  // A spec read by operationId: path, method and whether it is signed come from the generated table.
  const sendOperation: KalshiOperationSender = (id: KalshiOperationId, schema, o = {}) => {
    const fact = kalshiOperations[id];
    const path = fact.path.replace(/\{(\w+)\}/g, (_m, name: string) => pathSegment(o.params?.[name] ?? ''));
    const signed = fact.auth.length > 0;
    if (signed) needKey(id);
    // Repeat safety from the generated table (GETs read, the overlay's harmless writes idempotent) unless the call decides.
    const safety = o.safety ?? fact.safety;
    return call(fact.method, path, schema, { query: o.query, body: o.body, auth: signed, limitClass: o.limitClass ?? 'read', cost: o.cost, safety, idempotencyKey: o.idempotencyKey, outcomeHint: o.outcomeHint, call: o.call });
  };


  // ---- stream, books and followed orders ----
  let closed = false;
  let stream: KalshiStream | undefined;
  let orderFeed: { orders: KalshiSubscription<'user_orders'>; fills: KalshiSubscription<'fill'>; ready: Promise<void> } | undefined;
  const trackers = new Map<string, OrderTracker>();
  // Recent messages, so a tracker started just after its order's messages arrived (as after a
  // lost answer) still gets them from the stream. Bounded: the oldest entries go first.
  const RECENT = 1_000;
  const recentOrders = new Map<string, UserOrderMessage['msg'][]>();
  const recentFills = new Map<string, FillMessage['msg'][]>();
  const remember = <T>(map: Map<string, T[]>, key: string, item: T): void => {
    const list = map.get(key) ?? [];
    list.push(item);
    map.delete(key);
    map.set(key, list.slice(-100));
    if (map.size > RECENT) map.delete(map.keys().next().value!);
  };

  const getStream = (): KalshiStream => {
    if (closed) throw new ClientClosedError({ provider: PROVIDER, code: 'client_closed', message: 'kalshi: the client is closed' });
    needKey('stream');
    stream ??= createKalshiStream({
      ...options.stream,
      url: opts.streamUrl ?? kalshiStreamUrl({ baseUrl, environment: opts.environment }),
      // A fresh timestamp and signature for every handshake, reconnects included.
      sign: (path) => signWith(signer!, keyId, 'GET', path, Date.now()),
      connectionKey: options.stream?.connectionKey ?? createHash('sha256').update(keyId).digest('hex').slice(0, 16),
    });
    return stream;
  };

  const feedLive = (): boolean => stream?.status === 'open' && orderFeed?.orders.status === 'active' && orderFeed.fills.status === 'active';
  const trackerOfFill = (msg: FillMessage['msg']): OrderTracker | undefined => {
    if (msg.client_order_id !== undefined) return trackers.get(msg.client_order_id);
    for (const t of trackers.values()) if (t.orderId === msg.order_id) return t;
    return undefined;
  };
  const startOrderFeed = (): NonNullable<typeof orderFeed> => {
    if (orderFeed) return orderFeed;
    const s = getStream();
    const orders = s.subscribe({ channel: 'user_orders' });
    const fills = s.subscribe({ channel: 'fill' });
    orders.on('message', (m) => {
      remember(recentOrders, m.msg.client_order_id, m.msg);
      trackers.get(m.msg.client_order_id)?.onStreamOrder(m.msg);
    });
    fills.on('message', (m) => {
      remember(recentFills, m.msg.order_id, m.msg);
      trackerOfFill(m.msg)?.onStreamFill(m.msg);
    });
    const paceChanged = (): void => {
      for (const t of trackers.values()) t.streamChanged();
    };
    const settleAll = (): void => {
      for (const t of trackers.values()) void t.settle();
    };
    for (const sub of [orders, fills]) {
      sub.on('status', (status) => {
        paceChanged();
        // Messages sent while the subscription was being restored are lost: read the state back.
        if (status === 'active' && feedLive()) settleAll();
      });
    }
    s.on('disconnected', paceChanged);
    const ready = Promise.all([orders.ready, fills.ready]).then(() => {
      paceChanged();
      settleAll();
    });
    ready.catch(() => undefined);
    orderFeed = { orders, fills, ready };
    return orderFeed;
  };

  const findOrder = async (clientOrderId: string, ticker: string | undefined): Promise<KalshiOrder | undefined> => {
    for await (const o of client.orders(ticker ? { ticker, limit: 200 } : { limit: 200 })) if (o.client_order_id === clientOrderId) return o;
    return undefined;
  };
  const orderFills = async (orderId: string): Promise<KalshiFill[]> => {
    const all: KalshiFill[] = [];
    let pages = 0;
    // Bounded: an order has few fills; a server that pages without end stops at 100 pages.
    for await (const page of client.getFills({ orderId, limit: 200 }).pages()) {
      all.push(...page.fills);
      if (++pages >= 100) break;
    }
    // Oldest first, as they happened.
    return all.reverse();
  };

  const client: KalshiClient = {
    ...createKalshiSpecCalls(sendOperation),
    ...createKalshiCommunicationsCalls(sendOperation),
    ...createKalshiSubaccountCalls(sendOperation),
    ...createKalshiFcmCalls(sendOperation),
    ...createKalshiDataCalls(sendOperation),
    ...createKalshiHistoricalCalls(sendOperation),
    id: PROVIDER,
    has: Object.freeze({ asks: false, bids: false, listings: false, trading: signer !== undefined, fx: false, eventMarkets: true }) satisfies Capabilities,

    getExchangeStatus: (c) => call('GET', '/exchange/status', s.exchangeStatusSchema, { auth: false, call: c }),

    listMarkets: cursorList(PROVIDER, (p) => p.markets, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listMarkets', s.marketsQuerySchema, query);
      return call('GET', '/markets', s.marketsPageSchema, {
        auth: false,
        call: c,
        query: { limit: q.limit, cursor: q.cursor, event_ticker: q.eventTicker, series_ticker: q.seriesTicker, status: q.status, tickers: q.tickers?.join(','), min_close_ts: q.minCloseTs, max_close_ts: q.maxCloseTs },
      });
    }),
    markets(query = {}, c) {
      parseInput(PROVIDER, 'markets', s.marketsQuerySchema, query);
      return itemsWhenIterated(() => client.listMarkets(query, c));
    },
    async getMarket(ticker, c) {
      const t = parseInput(PROVIDER, 'getMarket', s.tickerSchema, ticker);
      return (await call('GET', `/markets/${pathSegment(t)}`, s.marketEnvelopeSchema, { auth: false, call: c })).market;
    },

    async getOrderbook(ticker, query = {}, c) {
      const t = parseInput(PROVIDER, 'getOrderbook', s.tickerSchema, ticker);
      const q = parseInput(PROVIDER, 'getOrderbook', z.object({ depth: z.number().int().min(0).max(100).optional() }).strict(), query);
      // The spec says signed, a guide says public (§11 #1): sign whenever we can.
      const res = await call('GET', `/markets/${pathSegment(t)}/orderbook`, s.orderbookSchema, { auth: signer !== undefined, query: { depth: q.depth }, call: c });
      return orderbookFrom(t, res.orderbook_fp);
    },

    async getOrderbooks(tickers, c) {
      const list = parseInput(PROVIDER, 'getOrderbooks', z.array(s.tickerSchema).min(1).max(100), tickers);
      const res = await priv('getOrderbooks', 'GET', '/markets/orderbooks', s.orderbooksSchema, { query: { tickers: list }, call: c });
      return res.orderbooks.map((b) => orderbookFrom(b.ticker, b.orderbook_fp));
    },

    listTrades: cursorList(PROVIDER, (p) => p.trades, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listTrades', s.tradesQuerySchema, query);
      return call('GET', '/markets/trades', s.tradesPageSchema, { auth: false, call: c, query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, min_ts: q.minTs, max_ts: q.maxTs, is_block_trade: q.isBlockTrade } });
    }),
    trades(query = {}, c) {
      parseInput(PROVIDER, 'trades', s.tradesQuerySchema, query);
      return itemsWhenIterated(() => client.listTrades(query, c));
    },
    listEvents: cursorList(PROVIDER, (p) => p.events, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listEvents', s.eventsQuerySchema, query);
      return call('GET', '/events', s.eventsPageSchema, { auth: false, call: c, query: { limit: q.limit, cursor: q.cursor, status: q.status, series_ticker: q.seriesTicker, with_nested_markets: q.withNestedMarkets } });
    }),
    events(query = {}, c) {
      parseInput(PROVIDER, 'events', s.eventsQuerySchema, query);
      return itemsWhenIterated(() => client.listEvents(query, c));
    },
    async getEvent(eventTicker, c) {
      const t = parseInput(PROVIDER, 'getEvent', s.tickerSchema, eventTicker);
      const res = await call('GET', `/events/${pathSegment(t)}`, s.eventEnvelopeSchema, { auth: false, call: c });
      return { event: res.event, markets: res.markets.length ? res.markets : (res.event.markets ?? []) };
    },

    async getBalance(c) {
      return priv('getBalance', 'GET', '/portfolio/balance', s.balanceSchema, { call: c });
    },
    getPositions: cursorList(PROVIDER, (p) => p.market_positions, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'getPositions', s.positionsQuerySchema, query);
      return priv('getPositions', 'GET', '/portfolio/positions', s.positionsSchema, { call: c, query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, event_ticker: q.eventTicker, count_filter: q.countFilter } });
    }),
    getFills: cursorList(PROVIDER, (p) => p.fills, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'getFills', s.fillsQuerySchema, query);
      return priv('getFills', 'GET', '/portfolio/fills', s.fillsPageSchema, { call: c, query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, order_id: q.orderId, min_ts: q.minTs, max_ts: q.maxTs } });
    }),
    listOrders: cursorList(PROVIDER, (p) => p.orders, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listOrders', s.ordersQuerySchema, query);
      return priv('listOrders', 'GET', '/portfolio/orders', s.ordersPageSchema, { call: c, query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, event_ticker: q.eventTicker, status: q.status, min_ts: q.minTs, max_ts: q.maxTs } });
    }),
    orders(query = {}, c) {
      parseInput(PROVIDER, 'orders', s.ordersQuerySchema, query);
      return itemsWhenIterated(() => client.listOrders(query, c));
    },
    async getOrder(orderId, c) {
      const id = parseInput(PROVIDER, 'getOrder', z.string().min(1).max(200), orderId);
      return (await priv('getOrder', 'GET', `/portfolio/orders/${pathSegment(id)}`, s.orderEnvelopeSchema, { call: c })).order;
    },

    async createOrder(input, c) {
      const o = parseInput(PROVIDER, 'createOrder', s.createOrderInputSchema, input);
      needKey('createOrder');
      const clientOrderId = o.clientOrderId ?? randomUUID();
      const body = orderBody(o, clientOrderId);
      try {
        const res = await call('POST', CREATE_PATH, s.createdOrderSchema, { body, limitClass: 'write', safety: 'idempotent', idempotencyKey: clientOrderId, call: c });
        return { ...res, client_order_id: clientOrderId, reconciled: false };
      } catch (error) {
        if (!(error instanceof InvalidRequestError) || error.status !== 409) throw error;
        // The id exists: an earlier attempt of this call landed, or the id is another order's.
        const outcome = (await reconcileOrders(new Map([[clientOrderId, asked(o)]]), listPage, c)).get(clientOrderId)!;
        if (outcome.kind === 'same') {
          const existing = outcome.order;
          return {
            order_id: existing.order_id,
            client_order_id: clientOrderId,
            fill_count: existing.fill_count_fp,
            remaining_count: existing.remaining_count_fp,
            ts_ms: existing.created_time ? Date.parse(existing.created_time) : Date.now(),
            reconciled: true,
          };
        }
        throw reconcileError('createOrder', outcome, clientOrderId, error, c);
      }
    },

    async cancelOrder(orderId, query = {}, c) {
      const id = parseInput(PROVIDER, 'cancelOrder', z.string().min(1).max(200), orderId);
      const q = parseInput(PROVIDER, 'cancelOrder', z.object({ ticker: s.tickerSchema.optional() }).strict(), query);
      // Cancelling twice is harmless (the second finds nothing to cancel).
      return priv('cancelOrder', 'DELETE', `/portfolio/events/orders/${pathSegment(id)}`, s.canceledOrderSchema, { query: { market_ticker: q.ticker }, limitClass: 'write', cost: costs.costOf('DELETE', `/portfolio/events/orders/${pathSegment(id)}`, KALSHI_CANCEL_COST), safety: 'idempotent', call: c });
    },

    async amendOrder(orderId, input, c) {
      const id = parseInput(PROVIDER, 'amendOrder', z.string().min(1).max(200), orderId);
      const q = parseInput(PROVIDER, 'amendOrder', s.amendInputSchema, input);
      // Absolute price and count: sending it twice ends in the same order.
      return priv('amendOrder', 'POST', `/portfolio/events/orders/${pathSegment(id)}/amend`, s.amendedOrderSchema, { body: { ticker: q.ticker, side: q.side, price: q.price, count: q.count }, limitClass: 'write', safety: 'idempotent', call: c });
    },

    async decreaseOrder(orderId, input, c) {
      const id = parseInput(PROVIDER, 'decreaseOrder', z.string().min(1).max(200), orderId);
      const q = parseInput(PROVIDER, 'decreaseOrder', s.decreaseInputSchema, input);
      const by = 'reduceBy' in q;
      return priv('decreaseOrder', 'POST', `/portfolio/events/orders/${pathSegment(id)}/decrease`, s.decreasedOrderSchema, {
        body: by ? { reduce_by: q.reduceBy, market_ticker: q.ticker } : { reduce_to: q.reduceTo, market_ticker: q.ticker },
        limitClass: 'write',
        // "reduce to" is absolute; "reduce by" twice would cut twice.
        safety: by ? 'unsafe' : 'idempotent',
        call: c,
      });
    },

    async batchCreateOrders(orders, c) {
      const list = parseInput(PROVIDER, 'batchCreateOrders', z.array(s.createOrderInputSchema).min(1).max(500), orders);
      needKey('batchCreateOrders');
      const ids = list.map((o) => o.clientOrderId ?? randomUUID());
      if (new Set(ids).size !== ids.length) throw new ValidationError({ provider: PROVIDER, message: 'kalshi.batchCreateOrders: client order ids must be unique' });
      let res: Raw<typeof s.batchCreatedSchema>;
      try {
        res = await call('POST', BATCH_PATH, s.batchCreatedSchema, {
          body: { orders: list.map((o, i) => orderBody(o, ids[i]!)) },
          limitClass: 'write',
          cost: costs.costOf('POST', BATCH_PATH, KALSHI_DEFAULT_COST) * list.length,
          safety: 'idempotent',
          // One key per order: a lone order's is the call's; a batch's keys go in the error's details.
          idempotencyKey: ids.length === 1 ? ids[0] : undefined,
          call: c,
        });
      } catch (error) {
        // Whatever went wrong, a bot reconciles by these keys (which orders may exist).
        throw error instanceof MarketError ? withDetails(error, { clientOrderIds: ids }) : error;
      }
      // A duplicate id means an earlier attempt of this batch placed it, or the id is another order's.
      const duplicates = new Map<string, AskedOrder>();
      list.forEach((o, i) => {
        if (isDuplicateItem(res.orders[i]?.error)) duplicates.set(ids[i]!, asked(o));
      });
      const outcomes = duplicates.size ? await reconcileOrders(duplicates, listPage, c) : new Map<string, ReconcileOutcome>();
      return list.map((_o, i): KalshiBatchResult => {
        const item = res.orders[i];
        const clientOrderId = ids[i]!;
        if (item && !item.error && item.order_id) {
          const { client_order_id: _sent, error: _none, ...placed } = item;
          return { ...placed, client_order_id: clientOrderId, reconciled: false };
        }
        const outcome = outcomes.get(clientOrderId);
        if (outcome?.kind === 'same') return { client_order_id: clientOrderId, order_id: outcome.order.order_id, fill_count: outcome.order.fill_count_fp, remaining_count: outcome.order.remaining_count_fp, reconciled: true };
        if (outcome) {
          const e = reconcileError('batchCreateOrders', outcome, clientOrderId, undefined, c);
          return { client_order_id: clientOrderId, reconciled: false, error: { code: e.code, message: e.message } };
        }
        return { client_order_id: clientOrderId, reconciled: false, error: { code: item?.error?.code, message: item?.error?.message ?? 'no result for this order', details: item?.error?.details } };
      });
    },

    async batchCancelOrders(orders, c) {
      const list = parseInput(PROVIDER, 'batchCancelOrders', z.array(z.object({ orderId: z.string().min(1).max(200), ticker: s.tickerSchema.optional() }).strict()).min(1).max(500), orders);
      const res = await priv('batchCancelOrders', 'DELETE', '/portfolio/events/orders/batched', s.batchCanceledSchema, {
        body: { orders: list.map((o) => ({ order_id: o.orderId, market_ticker: o.ticker })) },
        limitClass: 'write',
        cost: costs.costOf('DELETE', '/portfolio/events/orders/batched', KALSHI_CANCEL_COST) * list.length,
        safety: 'idempotent',
        call: c,
      });
      return res.orders;
    },

    async cancelAllOrders(c) {
      await priv('cancelAllOrders', 'DELETE', '/portfolio/events/orders', z.unknown(), { limitClass: 'write', safety: 'idempotent', call: c });
    },

    async syncLimits(c) {
      const limits = await priv('syncLimits', 'GET', '/account/limits', s.accountLimitsSchema, { call: c });
      const endpointCosts = await client.getEndpointCosts(c);
      costs.set(endpointCosts);
      const bucketOf = (b: KalshiAccountBucket): TokenBucket => ({ capacity: b.bucket_capacity, refillPerSecond: b.refill_rate });
      // Limits set in code win over what the server says.
      if (!options.rateLimit?.read) await core.limiters.get('read')?.updateSpec(bucketOf(limits.read));
      if (!options.rateLimit?.write) await core.limiters.get('write')?.updateSpec(bucketOf(limits.write));
      return { usage_tier: limits.usage_tier, read: limits.read, write: limits.write, default_cost: endpointCosts.default_cost, endpoint_costs: endpointCosts.endpoint_costs };
    },

    apiKeys: {
      list: (c) => priv('apiKeys.list', 'GET', '/api_keys', s.apiKeysSchema, { call: c }),
      async create(input, c) {
        const q = parseInput(PROVIDER, 'apiKeys.create', s.apiKeyCreateInputSchema, input);
        try {
          return await priv('apiKeys.create', 'POST', '/api_keys', s.apiKeyCreatedSchema, { body: { name: q.name, public_key: q.publicKeyPem, scopes: q.scopes, subaccount: q.subaccount }, safety: 'unsafe', call: c });
        } catch (error) {
          if (error instanceof PermissionError && !(error instanceof CapabilityError)) {
            throw new PermissionError({
              ...error.toJSON(),
              message: `${error.message} — registering your own public key needs the Premier API usage level or above; use apiKeys.generate() or raise the tier`,
            } as ConstructorParameters<typeof PermissionError>[0]);
          }
          throw error;
        }
      },
      async generate(input, c) {
        const q = parseInput(PROVIDER, 'apiKeys.generate', s.apiKeyGenerateInputSchema, input);
        const res = await priv('apiKeys.generate', 'POST', '/api_keys/generate', s.apiKeyGeneratedSchema, { body: { name: q.name, scopes: q.scopes, subaccount: q.subaccount }, safety: 'unsafe', call: c });
        return { ...res, private_key: new SecretString(res.private_key) };
      },
      async delete(apiKeyId, c) {
        const id = parseInput(PROVIDER, 'apiKeys.delete', z.string().min(1).max(200), apiKeyId);
        await priv('apiKeys.delete', 'DELETE', `/api_keys/${pathSegment(id)}`, z.unknown(), { safety: 'unsafe', call: c });
      },
    },

    async getQuotes(instrument, quoteOptions: QuoteOptions = {}): Promise<Quote[]> {
      const book = await client.getOrderbook(instrument, {}, { signal: quoteOptions.signal, timeoutMs: quoteOptions.timeoutMs });
      const bestYes = book.orderbook_fp.yes_dollars?.at(-1);
      const bestNo = book.orderbook_fp.no_dollars?.at(-1);
      return [{ provider: PROVIDER, venue: PROVIDER, instrument, bid: book.bestYesBid, bidQuantity: bestYes?.[1], ask: book.bestYesAsk, askQuantity: bestNo?.[1] }];
    },

    on: (event, listener) => core.events.on(event, listener),

    get stream() {
      return getStream();
    },
    orderBook: (ticker, bookOptions) => getStream().orderBook(ticker, bookOptions),
    async watchOrders() {
      await startOrderFeed().ready;
    },
    trackOrder(clientOrderId, trackOptions = {}) {
      const id = parseInput(PROVIDER, 'trackOrder', z.string().min(1).max(200), clientOrderId);
      const o = parseInput(PROVIDER, 'trackOrder', trackOrderOptionsSchema, trackOptions);
      needKey('trackOrder');
      if (closed) throw new ClientClosedError({ provider: PROVIDER, code: 'client_closed', message: 'kalshi: the client is closed' });
      const existing = trackers.get(id);
      if (existing) return existing;
      const feed = startOrderFeed();
      const tracker = new OrderTracker(id, { findOrder, orderFills, streamLive: feedLive }, { ...o, signal: trackOptions.signal }, () => {
        if (trackers.get(id) === tracker) trackers.delete(id);
      });
      trackers.set(id, tracker);
      // What the stream already said about it, then what it says from now on.
      for (const m of recentOrders.get(id) ?? []) tracker.onStreamOrder(m);
      const orderId = tracker.orderId;
      for (const m of orderId ? (recentFills.get(orderId) ?? []) : []) tracker.onStreamFill(m);
      // Anything from before the subscriptions were confirmed is read back over REST.
      if (feedLive()) void tracker.settle();
      void feed.ready;
      return tracker;
    },

    async close() {
      closed = true;
      for (const t of [...trackers.values()]) t.close();
      trackers.clear();
      await stream?.close();
      await core.close();
    },
  };

  function orderBody(o: z.output<typeof s.createOrderInputSchema>, clientOrderId: string): Record<string, unknown> {
    return {
      ticker: o.ticker,
      side: o.side,
      count: o.count,
      price: o.price,
      time_in_force: o.timeInForce,
      self_trade_prevention_type: o.selfTradePrevention,
      client_order_id: clientOrderId,
      expiration_time: o.expirationTime,
      post_only: o.postOnly,
      reduce_only: o.reduceOnly,
      cancel_order_on_pause: o.cancelOrderOnPause,
      subaccount: o.subaccount,
      order_group_id: o.orderGroupId,
    };
  }

  function listPage(query: { ticker?: string; limit: number; cursor?: string }, c?: CallOptions): Promise<KalshiOrdersPage> {
    return client.listOrders(query, c);
  }

  /** What a 409 that could not be settled as "this very order" means, as the error a bot acts on. */
  function reconcileError(operation: string, outcome: Exclude<ReconcileOutcome, { kind: 'same' }>, clientOrderId: string, conflict: MarketError | undefined, c?: CallOptions): MarketError {
    const base = { provider: PROVIDER, status: 409, providerCode: conflict?.providerCode, requestId: conflict?.requestId, method: 'POST', path: operation === 'createOrder' ? CREATE_PATH : BATCH_PATH, idempotencyKey: clientOrderId };
    const id = JSON.stringify(clientOrderId);
    if (outcome.kind === 'different') {
      const o = outcome.order;
      return new InvalidRequestError({
        ...base,
        code: 'conflict',
        message: `kalshi.${operation}: client_order_id ${id} already belongs to a different order (${o.order_id}: ${o.ticker} ${bookSideText(o)} ${o.initial_count_fp} @ ${o.yes_price_dollars}, ${o.status}); its ${outcome.mismatched.join(', ')} differ from this call's. Nothing was placed: a new order needs a new client_order_id`,
        details: { orderId: o.order_id, mismatched: [...outcome.mismatched] },
      });
    }
    if (outcome.kind === 'read_failed' && c?.signal?.aborted) {
      return new AbortedError({ ...base, message: `kalshi.${operation}: aborted while looking up the order with client_order_id ${id}, which Kalshi says exists (409); look it up by that id before placing again`, requestSent: true, reason: c.signal.reason });
    }
    const why =
      outcome.kind === 'unverifiable'
        ? `an order with it (${outcome.order.order_id}) was found, but its ${outcome.unreadable.join(', ')} could not be read to check it is this order`
        : outcome.kind === 'read_failed'
          ? `reading the order list failed (${outcome.error instanceof Error ? outcome.error.message : 'unknown error'})`
          : `it did not appear in GET /portfolio/orders after ${outcome.reads} looks over ${outcome.elapsedMs} ms (the list can lag behind a new order)`;
    return new OutcomeUnknownError({
      ...base,
      code: 'outcome_unknown',
      retryable: false,
      message: `kalshi.${operation}: Kalshi says an order with client_order_id ${id} already exists (409), most likely placed by an earlier attempt whose answer was lost, but ${why}. Look it up by this client_order_id before placing again, and repeat only with the same clientOrderId`,
    });
  }

  // Not enumerable: spreading, printing or serialising a client must not open (or refuse) a stream.
  Object.defineProperty(client, 'stream', { get: getStream, enumerable: false });
  return Object.freeze(client);
}

function orderbookFrom(ticker: string, book: Raw<typeof s.orderbookSchema>['orderbook_fp']): KalshiOrderbook {
  // Ascending by price as sent: the best bid of each side is the last level.
  const bestYes = book.yes_dollars?.at(-1);
  const bestNo = book.no_dollars?.at(-1);
  return {
    ticker,
    orderbook_fp: book,
    bestYesBid: bestYes ? money(bestYes[0], 'USD') : undefined,
    bestYesAsk: bestNo ? subtractMoney(money('1', 'USD'), money(bestNo[0], 'USD')) : undefined,
  };
}

const trackOrderOptionsSchema = lazySchema(() => z
  .object({
    ticker: s.tickerSchema.optional(),
    pollIntervalMs: z.number().int().min(10).max(3_600_000).optional(),
    reconcileIntervalMs: z.number().int().min(10).max(3_600_000).optional(),
    notFoundAfterMs: z.number().int().min(0).max(86_400_000).optional(),
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict());

const CREATE_PATH = '/portfolio/events/orders';
const BATCH_PATH = '/portfolio/events/orders/batched';

/** The fields a found order must share with the one asked for. */
function asked(o: z.output<typeof s.createOrderInputSchema>): AskedOrder {
  return { ticker: o.ticker, side: o.side, price: o.price, count: o.count };
}

/** A batch item refused because its client_order_id exists (Kalshi's per-item code is not documented; the sandbox sends `order_already_exists`). */
function isDuplicateItem(error: { code?: string | undefined; message?: string | undefined } | null | undefined): boolean {
  if (!error) return false;
  return (error.code?.startsWith('order_already_exists') ?? false) || /client_order_id already exists/i.test(error.message ?? '');
}

function bookSideText(o: KalshiOrder): string {
  return o.book_side ?? o.outcome_side ?? '?';
}

/** The same error with more details (its class and fields kept). */
function withDetails(error: MarketError, extra: Record<string, unknown>): MarketError {
  const init = { ...(error.toJSON() as unknown as MarketErrorInit), details: { ...error.details, ...extra } };
  if (error instanceof AbortedError) return new AbortedError({ ...init, requestSent: error.requestSent, reason: error.reason });
  if (error instanceof ResponseShapeError) return new ResponseShapeError({ ...init, fieldPath: error.fieldPath });
  if (error instanceof ValidationError) return new ValidationError({ ...init, issues: [...error.issues] });
  const Cls = error.constructor as new (init: MarketErrorInit) => MarketError;
  return new Cls(init);
}
