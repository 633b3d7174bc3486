/**
 * A Kalshi server for tests and demos: registered public keys and exact RSA-PSS
 * verification of every signed call (method, path, timestamp window), the documented
 * 401 shapes, `/api_keys`, seeded events and markets, V2 orders matched by a real
 * price-time engine (sandbox-matching.ts: fees, collateral, positions, queue positions),
 * token-bucket 429s, fault injection, and the WebSocket (`/trade-api/ws/v2`, on the same
 * port) streaming that engine's books, trades, fills, orders and positions.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';
import { verifyPss } from '../../src/crypto/pss-signer.js';
import { ProviderSandbox, SandboxServer, type Handler, type SandboxRequest, type SandboxResponse } from '../../src/testkit/server.js';
import type { SandboxOrderView } from './sandbox-market-events.js';
import { dollarsToMicros, formatCount, formatMicros, formatPrice, KalshiMatchingEngine, parseCount, parsePrice, type EngineError, type OrderResult, type SandboxOrderGroup } from './sandbox-matching.js';
import { KalshiMarketSimulator } from './sandbox-simulator.js';
import { KALSHI_SANDBOX_AREAS } from './sandbox-areas.js';
import { archivedLiveTickers, historicalCutoff, isArchivedPosition } from './sandbox-historical.js';
import { KalshiStreamSandbox, kalshiHandshakeVerifier, type KalshiStreamSandboxOptions } from './sandbox-stream.js';
import { kalshiSignatureMessage } from './signing.js';
import { kalshiStreamUrl } from './stream/url.js';

const PREFIX = '/trade-api/v2';
/** The user who owns the seeded book and the seeded trades. */
const HOUSE = 'sandbox-house';
/** The other side of the seeded trades. */
const HOUSE_COUNTERPARTY = 'sandbox-house-2';

interface User {
  id: string;
  /** API usage tier; `/api_keys` create needs premier or above. */
  tier: string;
}
interface ApiKeyRecord {
  id: string;
  name: string;
  user: User;
  publicKey: KeyObject;
  scopes: string[];
}
/** What the engine does not know about a market: its listing metadata. */
interface Market {
  ticker: string;
  event_ticker: string;
  title: string;
  close_time: string;
}
interface Bucket {
  tokens: number;
  at: number;
}

/** One request an API route received, as `observe` shows it. */
export interface KalshiSandboxExchange {
  readonly method: string;
  /** The full path, `/trade-api/v2/…`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: SandboxRequest['headers'];
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
}

/** The key a signed request was verified with: its id and its user. */
export interface KalshiSandboxKey {
  readonly id: string;
  readonly user: { readonly id: string; readonly tier: string };
}
type AreaHandler = (req: SandboxRequest) => SandboxResponse;
/**
 * What one area's routes (sandbox-areas.ts) get from the sandbox: routing under the API root,
 * the same signature check and token bucket as every other route, paging and the error shape.
 */
export interface KalshiSandboxKit {
  readonly sandbox: KalshiSandbox;
  /** Serve `method path`, `path` under `/trade-api/v2` (`:name` segments become params). */
  route(method: string, path: string, handler: AreaHandler): void;
  /** A route that needs a valid signature; charged `cost` tokens (the listed endpoint cost first) to the key's `kind` bucket. */
  signed(kind: 'read' | 'write', handler: (req: SandboxRequest, key: KalshiSandboxKey) => SandboxResponse, cost?: number): AreaHandler;
  /** A public route (a signature, when sent, is checked and charged like a signed read). */
  public(handler: (req: SandboxRequest) => SandboxResponse): AreaHandler;
  /** One page of `rows` by the request's `limit` and `cursor` (an opaque offset); `cursor` is '' on the last page. */
  page<T>(req: SandboxRequest, rows: T[], defaultLimit: number): { page: T[]; cursor: string };
  /** Kalshi's 400 for a malformed parameter. */
  invalid(field: string, what: string): SandboxResponse;
}

/** Options of `KalshiSandbox`. */
export interface KalshiSandboxOptions {
  /** Accepted clock difference for KALSHI-ACCESS-TIMESTAMP, REST and WebSocket handshake (default 10 s). */
  timestampWindowMs?: number;
  /** Token buckets per key (default Basic: read 200/s ×2 s, write 100/s ×1 s). */
  read?: { capacity: number; refillPerSecond: number };
  /** Write token bucket per key (default 100 tokens, 100/s). */
  write?: { capacity: number; refillPerSecond: number };
  /** How long a new order stays out of `GET /portfolio/orders` (default 0; see `orderListLagMs`). */
  orderListLagMs?: number;
  /**
   * Background market activity while started: seeded simulated traders quoting, taking and
   * cancelling through the same engine (so the stream carries their deltas and trades).
   * Off by default.
   */
  simulate?: { seed?: number; intervalMs?: number; actionsPerTick?: number; tickers?: string[] } | undefined;
  /** WebSocket server settings (ping period, command rate, limits, a frame tap for tests). */
  stream?: Omit<KalshiStreamSandboxOptions, 'feed' | 'verify' | 'path'> | undefined;
}

// Kalshi's request forms (reference/kalshi.md §6.1), written out here apart from the
// client's own checks so that a client bug shows as a refusal.
/** `FixedPointCount` in a request: 0–2 decimals. */
const WIRE_COUNT = /^\d+(\.\d{1,2})?$/;
/** `FixedPointDollars` in a request: 2–4 decimals. */
const WIRE_PRICE = /^\d+\.\d{2,4}$/;
/** Beyond 1e11 a "seconds" value can only be milliseconds (the year 5138). */
const MAX_UNIX_SECONDS = 1e11;
const isUnixSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UNIX_SECONDS;
const invalid = (field: string, what: string): SandboxResponse => ({ status: 400, body: { code: 'invalid_parameters', message: `${field}: ${what}`, details: '' } });
const badCount = (field: string, v: unknown): SandboxResponse | undefined => (typeof v === 'string' && WIRE_COUNT.test(v) ? undefined : invalid(field, 'must be a fixed-point count string with 0-2 decimals'));
const badPrice = (field: string, v: unknown): SandboxResponse | undefined => (typeof v === 'string' && WIRE_PRICE.test(v) ? undefined : invalid(field, 'must be a fixed-point dollar string with 2-4 decimals'));
/** Query filters in Unix seconds. */
const badSecondsQuery = (req: SandboxRequest, ...names: string[]): SandboxResponse | undefined => {
  for (const name of names) {
    const v = req.query.get(name);
    if (v !== null && !(/^\d+$/.test(v) && isUnixSeconds(Number(v)))) return invalid(name, 'must be a Unix timestamp in seconds');
  }
  return undefined;
};

const SERIES_META: Record<string, { title: string; category: string; tags: string[]; frequency: string }> = {
  KXBTCMAXY: { title: 'Bitcoin yearly high', category: 'Crypto', tags: ['BTC'], frequency: 'annual' },
  KXCS2MAJOR: { title: 'CS2 Major winner', category: 'Sports', tags: ['Esports', 'CS2'], frequency: 'custom' },
  KXFEDDECISION: { title: 'Fed rate decision', category: 'Economics', tags: ['Fed', 'Rates'], frequency: 'monthly' },
};
/** Fee changes: one long past, one far ahead (so `show_historical` tells them apart). */
const SERIES_FEE_CHANGES = [
  { id: 'fee-2026-01', series_ticker: 'KXFEDDECISION', fee_type: 'quadratic', fee_multiplier: 1, scheduled_ts: '2026-01-15T00:00:00Z' },
  { id: 'fee-2099-01', series_ticker: 'KXBTCMAXY', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 0.5, scheduled_ts: '2099-01-01T00:00:00Z' },
];
const EVENT_FEE_CHANGES = [
  { id: 'evfee-1', event_ticker: 'KXFEDDECISION-26DEC', series_ticker: 'KXFEDDECISION', fee_type_override: 'flat', fee_multiplier_override: 0.25, scheduled_ts: '2026-12-01T00:00:00Z' },
  { id: 'evfee-2', event_ticker: 'KXCS2MAJOR-26', series_ticker: 'KXCS2MAJOR', fee_type_override: null, fee_multiplier_override: 0.5, scheduled_ts: '2026-06-01T00:00:00Z' },
  { id: 'evfee-3', event_ticker: 'KXCS2MAJOR-26', series_ticker: 'KXCS2MAJOR', fee_type_override: 'quadratic', fee_multiplier_override: null, scheduled_ts: '2026-06-15T00:00:00Z' },
];
const EXCHANGE_SCHEDULE = {
  standard_hours: [{
    start_time: '2026-01-01T00:00:00Z', end_time: '2099-01-01T00:00:00Z',
    ...Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, [{ open_time: '00:00', close_time: '23:59' }]])),
  }],
  maintenance_windows: [{ start_datetime: '2026-12-24T08:00:00Z', end_datetime: '2026-12-24T10:00:00Z' }],
};
/** The series of an event: its ticker up to the first dash (`KXFEDDECISION-26DEC` → `KXFEDDECISION`). */
const seriesOf = (eventTicker: string): string => eventTicker.split('-')[0]!;
/**
 * The spec's `Market.status` of an engine market: trading → `active`, stopped → `closed`,
 * settled → `finalized` (the response enum has no "settled"; reference/kalshi.md §11 #10).
 */
const marketStatus = (status: 'active' | 'closed' | 'settled' | undefined): string => (status === 'active' ? 'active' : status === 'settled' ? 'finalized' : 'closed');
/** Whether an engine market matches the `status` query filter (its own vocabulary, §11 #10). */
const matchesStatusFilter = (filter: string, status: 'active' | 'closed' | 'settled' | undefined): boolean =>
  filter === 'open' ? status === 'active' : filter === 'closed' ? status === 'closed' : filter === 'settled' ? status === 'settled' : false;
const refusal = (e: EngineError): SandboxResponse => ({ status: e.status, body: { code: e.code, message: e.message, details: '' } });
const iso = (ms: number): string => new Date(ms).toISOString();
/** `min_ts` / `max_ts` (Unix seconds) as a filter on epoch ms. */
const withinSeconds = (req: SandboxRequest, ms: number): boolean => {
  const min = req.query.get('min_ts');
  const max = req.query.get('max_ts');
  return (min === null || ms >= Number(min) * 1000) && (max === null || ms <= Number(max) * 1000);
};

/** A Kalshi server on loopback for tests and demos (see the file comment). */
export class KalshiSandbox extends ProviderSandbox {
  protected readonly root = PREFIX;
  readonly server = new SandboxServer('kalshi', 'kalshi-access-key');
  readonly keys = new Map<string, ApiKeyRecord>();
  readonly users = new Map<string, User>();
  readonly markets: Market[] = [];
  /** The exchange: books, orders, cash, positions, fees. Its events feed the WebSocket. */
  readonly engine = new KalshiMatchingEngine();
  readonly #placed: string[] = [];
  readonly #buckets = new Map<string, Bucket>();
  readonly #o: Required<Omit<KalshiSandboxOptions, 'simulate' | 'stream'>> & Pick<KalshiSandboxOptions, 'simulate' | 'stream'>;
  #stream: KalshiStreamSandbox | undefined;
  #simulator: KalshiMarketSimulator | undefined;
  #expiry: NodeJS.Timeout | undefined;
  /**
   * Fault injection: a committed order appears in `GET /portfolio/orders` only this many ms
   * after it was created (the list lagging behind the order), as after a lost answer.
   */
  orderListLagMs: number;
  /**
   * Non-default token costs, as `GET /account/endpoint_costs` lists them (spec path templates)
   * and as every signed call is charged: change one and both follow.
   */
  endpointCosts: { method: string; path: string; cost: number }[] = [
    { method: 'DELETE', path: '/portfolio/events/orders/{order_id}', cost: 2 },
    { method: 'DELETE', path: '/portfolio/events/orders/batched', cost: 2 },
    { method: 'GET', path: '/communications/quotes/{quote_id}', cost: 2 },
    { method: 'POST', path: '/communications/quotes', cost: 2 },
    { method: 'DELETE', path: '/communications/quotes/{quote_id}', cost: 2 },
    { method: 'GET', path: '/communications/rfqs/{rfq_id}/quotes/{quote_id}', cost: 2 },
    { method: 'DELETE', path: '/communications/rfqs/{rfq_id}/quotes/{quote_id}', cost: 2 },
  ];
  /** Deposits per user (one per `createUser`, applied), newest first as Kalshi lists them. */
  readonly deposits = new Map<string, { id: string; status: string; type: string; amount_cents: number; fee_cents: number; created_ts: number; finalized_ts: number }[]>();
  /** Settlements per user, newest first, as `settleMarket` recorded them. */
  readonly settlements = new Map<string, Record<string, unknown>[]>();
  /** The cost of any endpoint not in `endpointCosts`. */
  defaultCost = 10;

  constructor(options: KalshiSandboxOptions = {}) {
    super();
    this.#o = {
      timestampWindowMs: options.timestampWindowMs ?? 10_000,
      read: options.read ?? { capacity: 400, refillPerSecond: 200 },
      write: options.write ?? { capacity: 100, refillPerSecond: 100 },
      orderListLagMs: options.orderListLagMs ?? 0,
      simulate: options.simulate,
      stream: options.stream,
    };
    this.orderListLagMs = this.#o.orderListLagMs;
    this.#seed();
    this.#routes();
  }

  /** A new user with one registered RSA key pair (PKCS#1 private key, as Kalshi hands out). */
  async createUser(options: { tier?: string; balanceUsd?: number } = {}): Promise<{ userId: string; keyId: string; privateKeyPem: string }> {
    const user: User = { id: randomUUID(), tier: options.tier ?? 'basic' };
    this.users.set(user.id, user);
    this.engine.deposit(user.id, dollarsToMicros((options.balanceUsd ?? 1000).toFixed(2)));
    const at = Math.floor(Date.now() / 1000);
    this.deposits.set(user.id, [{ id: randomUUID(), status: 'applied', type: 'ach', amount_cents: Math.round((options.balanceUsd ?? 1000) * 100), fee_cents: 0, created_ts: at, finalized_ts: at }]);
    const pair = await generateRsaKeyPair({ bits: 2048 });
    const keyId = this.registerKey(user, 'sandbox', pair.publicKeyPem);
    return { userId: user.id, keyId, privateKeyPem: pair.privateKeyPem };
  }

  /** Register a public key for a user; returns its key id. */
  registerKey(user: User, name: string, publicKeyPem: string, scopes = ['read', 'write']): string {
    const id = randomUUID();
    this.keys.set(id, { id, name, user, publicKey: createPublicKey(publicKeyPem), scopes });
    return id;
  }

  /**
   * Determine and settle a market (every winning contract pays $1) and record, for each user
   * who held it, the settlement `GET /portfolio/settlements` lists.
   */
  settleMarket(ticker: string, result: 'yes' | 'no', now = Date.now()): void {
    const held = this.engine.users().map((userId) => ({ userId, p: this.engine.positions(userId).find((x) => x.ticker === ticker) })).filter((h) => h.p && h.p.position !== 0);
    this.engine.settleMarket(ticker, result, now);
    const event = this.markets.find((m) => m.ticker === ticker)?.event_ticker ?? '';
    for (const { userId, p } of held) {
      const yes = p!.position > 0 ? p!.position : 0;
      const no = p!.position < 0 ? -p!.position : 0;
      const wonUnits = result === 'yes' ? yes : no;
      const list = this.settlements.get(userId) ?? [];
      list.unshift({
        ticker, exchange_index: 0, event_ticker: event, market_result: result,
        yes_count_fp: formatCount(yes), yes_total_cost_dollars: formatMicros(yes ? p!.costBasis : 0n),
        no_count_fp: formatCount(no), no_total_cost_dollars: formatMicros(no ? p!.costBasis : 0n),
        // One count unit (0.01 contract) pays one cent.
        revenue: wonUnits, settled_time: iso(now), fee_cost: formatMicros(p!.feesPaid), value: result === 'yes' ? 100 : 0,
      });
      this.settlements.set(userId, list);
    }
  }

  /** A user's available balance, as a dollar string (4 decimals, 6 when fees need them). */
  balanceUsd(userId: string): string {
    return formatMicros(this.engine.account(userId)?.available ?? 0n);
  }

  /** Every order placed through the REST API, oldest first, as it is now. */
  get orders(): SandboxOrderView[] {
    return this.#placed.map((id) => this.engine.order(id)!);
  }

  /** The WebSocket server on this sandbox's port (fault injection: `stream.faults`); exists once started. */
  get stream(): KalshiStreamSandbox {
    if (!this.#stream) throw new Error('the Kalshi sandbox serves its WebSocket once started; call start() first');
    return this.#stream;
  }

  /** `ws://127.0.0.1:<port>/trade-api/ws/v2`, once started. */
  get streamUrl(): string {
    return kalshiStreamUrl({ baseUrl: this.baseUrl });
  }

  /** The background traders, when `simulate` is on and the sandbox is started. */
  get simulator(): KalshiMarketSimulator | undefined {
    return this.#simulator;
  }

  /** Serve the WebSocket on the REST port and start the background traders (when asked). */
  protected override async prepare(): Promise<void> {
    await this.#refill();
    if (!this.#stream) {
      this.#stream = new KalshiStreamSandbox({
        ...this.#o.stream,
        feed: this.engine,
        verify: kalshiHandshakeVerifier((id) => {
          const key = this.keys.get(id);
          return key && { publicKey: key.publicKey, userId: key.user.id };
        }, { timestampWindowMs: this.#o.timestampWindowMs }),
      });
      this.#stream.attach(this.server.httpServer);
    }
    // Orders expire on the clock even when no request comes in, so a stream-only client sees it.
    this.#expiry ??= setInterval(() => this.expireOrders(), 250);
    this.#expiry.unref();
    if (this.#o.simulate && !this.#simulator) {
      const sim = this.#o.simulate;
      this.#simulator = new KalshiMarketSimulator({ engine: this.engine, seed: sim.seed, intervalMs: sim.intervalMs, actionsPerTick: sim.actionsPerTick, tickers: sim.tickers });
      this.#simulator.start();
    }
  }

  /** Stop the background traders, the WebSocket connections and the server. */
  override async close(): Promise<void> {
    this.#simulator?.stop();
    if (this.#expiry) clearInterval(this.#expiry);
    this.#expiry = undefined;
    await this.#stream?.close();
    await this.server.close();
  }

  #seed(): void {
    const now = Date.now();
    this.engine.deposit(HOUSE, dollarsToMicros(1_000_000_000));
    this.engine.deposit(HOUSE_COUNTERPARTY, dollarsToMicros(1_000_000_000));
    const house = (userId: string, ticker: string, side: 'bid' | 'ask', price: number, count: number, timeInForce: 'good_till_canceled' | 'immediate_or_cancel'): void => {
      const placed = this.engine.placeOrder({ userId, ticker, side, price, count, timeInForce, selfTradePrevention: 'taker_at_cross' }, now);
      if (!placed.ok) throw new Error(`sandbox seed: ${placed.error.message}`);
      // A seeded level that crossed the other side would trade away (or self-cancel) silently.
      if (timeInForce === 'good_till_canceled' && userId === HOUSE && placed.order.remaining_count_fp !== formatCount(count)) throw new Error(`sandbox seed: the ${ticker} level at ${formatPrice(price)} crosses the book`);
    };
    // Each event closes on its own day, so close-time filters have something to tell apart.
    const closeTimes: Record<string, string> = { 'KXFEDDECISION-26DEC': '2026-12-10T19:00:00Z', 'KXBTCMAXY-26': '2026-12-31T23:59:00Z', 'KXCS2MAJOR-26': '2026-06-21T20:00:00Z' };
    const add = (event: string, ticker: string, title: string, yes: [number, number][], no: [number, number][]): void => {
      this.markets.push({ ticker, event_ticker: event, title, close_time: closeTimes[event] ?? '2026-12-31T23:59:00Z' });
      this.engine.addMarket({ ticker, tick: 100 }, now);
      // A few trades at the best YES bid, made before the book exists so they leave it as seeded.
      const last = Math.round(Math.max(...yes.map(([p]) => p)) * 10_000);
      for (let k = 1; k <= 5; k++) {
        house(HOUSE_COUNTERPARTY, ticker, 'bid', last, k * 100, 'good_till_canceled');
        house(HOUSE, ticker, 'ask', last, k * 100, 'immediate_or_cancel');
      }
      // A YES level at p is a bid at p; a NO level at q is an ask at the YES price 1 − q.
      for (const [p, c] of yes) house(HOUSE, ticker, 'bid', Math.round(p * 10_000), c * 100, 'good_till_canceled');
      for (const [q, c] of no) house(HOUSE, ticker, 'ask', 10_000 - Math.round(q * 10_000), c * 100, 'good_till_canceled');
    };
    add('KXFEDDECISION-26DEC', 'KXFEDDECISION-26DEC-C25', 'Fed cuts 25 bps in December 2026', [[0.41, 1200], [0.42, 800], [0.43, 350]], [[0.54, 900], [0.55, 600], [0.56, 240]]);
    add('KXFEDDECISION-26DEC', 'KXFEDDECISION-26DEC-H0', 'Fed holds rates in December 2026', [[0.5, 500], [0.52, 300]], [[0.45, 700], [0.46, 150]]);
    add('KXBTCMAXY-26', 'KXBTCMAXY-26-T150000', 'Bitcoin above $150,000 in 2026', [[0.17, 4000], [0.18, 2500], [0.19, 900]], [[0.79, 3000], [0.8, 1100]]);
    add('KXBTCMAXY-26', 'KXBTCMAXY-26-T200000', 'Bitcoin above $200,000 in 2026', [[0.04, 9000], [0.05, 5000]], [[0.93, 8000], [0.94, 2000]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-VITALITY', 'Vitality wins the CS2 Major', [[0.2, 300], [0.22, 120]], [[0.75, 200], [0.76, 80]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-NAVI', 'NAVI wins the CS2 Major', [[0.14, 260], [0.15, 90]], [[0.83, 150], [0.84, 40]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-SPIRIT', 'Team Spirit wins the CS2 Major', [[0.1, 400], [0.11, 100]], [[0.87, 300], [0.88, 50]]);
  }

  // ---- auth ----
  #authError(code: string, message: string, details?: string): SandboxResponse {
    return { status: 401, body: { error: { code, message, details: details ?? '' } } };
  }

  #verify(req: SandboxRequest): ApiKeyRecord | SandboxResponse {
    const keyId = req.headers['kalshi-access-key'];
    const ts = req.headers['kalshi-access-timestamp'];
    const sig = req.headers['kalshi-access-signature'];
    if (typeof keyId !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return this.#authError('authentication_error', 'missing authentication headers');
    const key = this.keys.get(keyId);
    if (!key) return this.#authError('NOT_FOUND', 'api key not found');
    const t = Number(ts);
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - t) > this.#o.timestampWindowMs) return this.#authError('header_timestamp_expired', 'timestamp outside the accepted window');
    if (!verifyPss(key.publicKey, kalshiSignatureMessage(t, req.method, req.path), sig)) return this.#authError('authentication_error', 'signature verification failed', 'INCORRECT_API_KEY_SIGNATURE');
    return key;
  }

  #take(keyId: string, kind: 'read' | 'write', cost: number): SandboxResponse | undefined {
    const spec = this.#o[kind];
    const id = `${keyId}:${kind}`;
    const now = Date.now();
    const b = this.#buckets.get(id) ?? { tokens: spec.capacity, at: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.at) / 1000) * spec.refillPerSecond);
    b.at = now;
    this.#buckets.set(id, b);
    if (b.tokens < cost) return { status: 429, body: { error: 'too many requests' } };
    b.tokens -= cost;
    return undefined;
  }

  /** What `endpointCosts` says one request costs (the default when it is not listed). */
  #listedCost(req: SandboxRequest): number | undefined {
    const path = req.path.slice(PREFIX.length);
    const listed = this.endpointCosts.find((e) => e.method === req.method && new RegExp(`^${e.path.replace(/\{[^}]*\}/g, '[^/]+')}$`).test(path));
    return listed?.cost;
  }

  /** Signed route; `optional` lets public routes accept (and check) signatures too. */
  #signed(kind: 'read' | 'write', handler: (req: SandboxRequest, key: ApiKeyRecord) => SandboxResponse, cost?: number) {
    return (req: SandboxRequest): SandboxResponse => {
      const key = this.#verify(req);
      if (!('publicKey' in key)) return key;
      const limited = this.#take(key.id, kind, this.#listedCost(req) ?? cost ?? this.defaultCost);
      if (limited) return limited;
      this.expireOrders();
      return handler(req, key);
    };
  }

  #public(handler: (req: SandboxRequest) => SandboxResponse) {
    return (req: SandboxRequest): SandboxResponse => {
      if (req.headers['kalshi-access-key'] !== undefined) {
        const key = this.#verify(req);
        if (!('publicKey' in key)) return key;
        const limited = this.#take(key.id, 'read', this.#listedCost(req) ?? this.defaultCost);
        if (limited) return limited;
      }
      this.expireOrders();
      return handler(req);
    };
  }

  // ---- shapes ----
  #bookJson(ticker: string, depth: number): Record<string, unknown> {
    const book = this.engine.book(ticker) ?? { yes: [], no: [] };
    // The engine lists best first; REST sends ascending, the best level last.
    const cut = (levels: [string, string][]): [string, string][] => (depth > 0 ? levels.slice(0, depth) : levels).slice().reverse();
    return { yes_dollars: cut(book.yes), no_dollars: cut(book.no) };
  }

  #marketJson(m: Market): Record<string, unknown> {
    const depth = this.engine.depth(m.ticker);
    const bestYes = depth?.yes[0];
    const bestNo = depth?.no[0];
    const trades = this.engine.trades(m.ticker);
    const last = trades.at(-1);
    const info = this.engine.market(m.ticker);
    const yesBid = bestYes ? formatPrice(bestYes[0]) : '0.0000';
    const yesAsk = bestNo ? formatPrice(10_000 - bestNo[0]) : '1.0000';
    const lastPrice = last?.yesPrice ?? '0.0000';
    return {
      ticker: m.ticker, event_ticker: m.event_ticker, market_type: 'binary', title: m.title, yes_sub_title: 'Yes', no_sub_title: 'No', status: marketStatus(info?.status),
      created_time: '2026-01-01T00:00:00Z', updated_time: new Date().toISOString(), open_time: '2026-01-02T00:00:00Z', close_time: m.close_time, latest_expiration_time: m.close_time,
      settlement_timer_seconds: 300, notional_value_dollars: '1.0000',
      yes_bid_dollars: yesBid, yes_ask_dollars: yesAsk,
      no_bid_dollars: bestNo ? formatPrice(bestNo[0]) : '0.0000', no_ask_dollars: bestYes ? formatPrice(10_000 - bestYes[0]) : '1.0000',
      yes_bid_size_fp: bestYes ? formatCount(bestYes[1]) : '0.00', yes_ask_size_fp: bestNo ? formatCount(bestNo[1]) : '0.00',
      // A day ago is the seeded book: the sandbox has no history of quotes, so "previous" is today's (the last trade's price before the latest).
      previous_yes_bid_dollars: yesBid, previous_yes_ask_dollars: yesAsk, previous_price_dollars: trades.at(-2)?.yesPrice ?? lastPrice,
      last_price_dollars: lastPrice, volume_fp: '125000.00', volume_24h_fp: '8200.00', open_interest_fp: '40100.00', result: info?.result ?? '',
      can_close_early: true, expiration_value: info?.result ?? '', settlement_bounds_type: 'default',
      rules_primary: `If ${m.title.replace(/^(.)/, (c) => c.toLowerCase())}, the market resolves to Yes.`, rules_secondary: '',
      price_level_structure: 'linear_cent', price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }], exchange_index: 0,
      ...(info?.result ? { settlement_value_dollars: info.result === 'yes' ? '1.0000' : '0.0000' } : {}),
    };
  }

  #page<T>(req: SandboxRequest, rows: T[], defaultLimit: number): { page: T[]; cursor: string } {
    const limit = Number(req.query.get('limit') ?? defaultLimit);
    const start = req.query.get('cursor') ? Number(Buffer.from(req.query.get('cursor')!, 'base64url').toString()) : 0;
    const page = rows.slice(start, start + limit);
    return { page, cursor: start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : '' };
  }

  /** A user's order by id, or undefined when it is not theirs. */
  #own(userId: string, orderId: string | undefined): SandboxOrderView | undefined {
    const order = orderId === undefined ? undefined : this.engine.order(orderId);
    return order?.user_id === userId ? order : undefined;
  }

  readonly #observers = new Set<(req: KalshiSandboxExchange, res: SandboxResponse) => void>();

  /**
   * See every request an API route receives and the answer it gives (the contract test
   * validates both against the spec). Returns an unsubscribe function.
   */
  observe(listener: (req: KalshiSandboxExchange, res: SandboxResponse) => void): () => void {
    this.#observers.add(listener);
    return () => this.#observers.delete(listener);
  }

  /** A handler whose request and answer the observers see. */
  #observed(handler: Handler): Handler {
    const tell = (req: SandboxRequest, res: SandboxResponse): SandboxResponse => {
      for (const observe of this.#observers) observe({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body }, res);
      return res;
    };
    return (req) => {
      const res = handler(req);
      return res instanceof Promise ? res.then((r) => tell(req, r)) : tell(req, res);
    };
  }

  #routes(): void {
    // Every route, the areas' too, is observed.
    const r = { route: (method: string, path: string, handler: Handler): void => this.server.route(method, path, this.#observed(handler)) };
    const p = (path: string): string => PREFIX + path;
    // Areas first: their literal paths (`/events/multivariate`) must win over `/events/:ticker`.
    const kit: KalshiSandboxKit = {
      sandbox: this,
      route: (method, path, handler) => r.route(method, p(path), handler),
      signed: (kind, handler, cost) => this.#signed(kind, handler, cost),
      public: (handler) => this.#public(handler),
      page: (req, rows, defaultLimit) => this.#page(req, rows, defaultLimit),
      invalid,
    };
    for (const install of KALSHI_SANDBOX_AREAS) install(kit);

    r.route('GET', p('/exchange/status'), () => ({ status: 200, body: { exchange_active: true, trading_active: true, exchange_estimated_resume_time: null } }));

    r.route('GET', p('/exchange/schedule'), () => ({ status: 200, body: { schedule: EXCHANGE_SCHEDULE } }));
    // The spec lists no security here; the sandbox's user data is always current.
    r.route('GET', p('/exchange/user_data_timestamp'), this.#public(() => ({ status: 200, body: { as_of_time: new Date().toISOString() } })));
    r.route('GET', p('/account/endpoint_costs'), () => ({ status: 200, body: { default_cost: this.defaultCost, endpoint_costs: this.endpointCosts } }));
    // GET /historical/cutoff: sandbox-historical.ts, which also archives what falls before it.

    // Before /series/:ticker, which would take "fee_changes" for a ticker.
    r.route('GET', p('/series/fee_changes'), this.#public((req) => {
      const series = req.query.get('series_ticker');
      const historical = req.query.get('show_historical') === 'true';
      const now = Date.now();
      const rows = SERIES_FEE_CHANGES.filter((f) => (!series || f.series_ticker === series) && (historical || Date.parse(f.scheduled_ts) >= now));
      return { status: 200, body: { series_fee_change_arr: rows } };
    }));
    r.route('GET', p('/search/tags_by_categories'), this.#public(() => {
      const byCategory: Record<string, string[]> = {};
      for (const s of this.#seriesList(false)) byCategory[s.category] = [...new Set([...(byCategory[s.category] ?? []), ...s.tags])].sort();
      return { status: 200, body: { tags_by_categories: byCategory } };
    }));
    r.route('GET', p('/series'), this.#public((req) => {
      const badTs = badSecondsQuery(req, 'min_updated_ts');
      if (badTs) return badTs;
      const category = req.query.get('category');
      const tags = req.query.get('tags')?.split(',').filter(Boolean);
      const minUpdated = req.query.get('min_updated_ts');
      const rows = this.#seriesList(req.query.get('include_volume') === 'true').filter((x) => (!category || x.category === category)
        && (!tags || tags.some((t) => x.tags.includes(t))) && (minUpdated === null || Date.parse(x.last_updated_ts) >= Number(minUpdated) * 1000));
      return { status: 200, body: { series: rows } };
    }));
    r.route('GET', p('/series/:series/markets/:ticker/candlesticks'), this.#public((req) => {
      const range = this.#candleRange(req, true);
      if ('status' in range) return range;
      const m = this.markets.find((x) => x.ticker === req.params.ticker && seriesOf(x.event_ticker) === req.params.series);
      if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found in this series', details: '' } };
      return { status: 200, body: { ticker: m.ticker, candlesticks: this.#candles(m.ticker, range) } };
    }));
    r.route('GET', p('/series/:series/events/:ticker/candlesticks'), this.#public((req) => {
      const range = this.#candleRange(req, true);
      if ('status' in range) return range;
      const markets = this.markets.filter((x) => x.event_ticker === req.params.ticker && seriesOf(x.event_ticker) === req.params.series);
      if (!markets.length) return { status: 404, body: { code: 'not_found', message: 'event not found in this series', details: '' } };
      const end = Math.min(range.end, Math.ceil(Date.now() / 1000 / range.period) * range.period);
      return { status: 200, body: { market_tickers: markets.map((m) => m.ticker), market_candlesticks: markets.map((m) => this.#candles(m.ticker, { ...range, end })), adjusted_end_ts: end } };
    }));
    r.route('GET', p('/series/:ticker'), this.#public((req) => {
      const series = this.#seriesList(req.query.get('include_volume') === 'true').find((x) => x.ticker === req.params.ticker);
      if (!series) return { status: 404, body: { code: 'not_found', message: 'series not found', details: '' } };
      return { status: 200, body: { series } };
    }));

    r.route('GET', p('/markets'), this.#public((req) => {
      const badTs = badSecondsQuery(req, 'min_close_ts', 'max_close_ts');
      if (badTs) return badTs;
      const ev = req.query.get('event_ticker');
      const series = req.query.get('series_ticker');
      const tickers = req.query.get('tickers')?.split(',');
      const status = req.query.get('status');
      const minClose = req.query.get('min_close_ts');
      const maxClose = req.query.get('max_close_ts');
      // Markets settled before the historical cut-off are served under /historical only.
      const archived = new Set(archivedLiveTickers(this));
      const rows = this.markets.filter((m) => {
        const closeMs = Date.parse(m.close_time);
        return !archived.has(m.ticker) && (!ev || m.event_ticker === ev) && (!series || seriesOf(m.event_ticker) === series) && (!tickers || tickers.includes(m.ticker))
          && (!status || matchesStatusFilter(status, this.engine.market(m.ticker)?.status))
          && (minClose === null || closeMs >= Number(minClose) * 1000) && (maxClose === null || closeMs <= Number(maxClose) * 1000);
      });
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { markets: page.map((m) => this.#marketJson(m)), cursor } };
    }));

    r.route('GET', p('/markets/trades'), this.#public((req) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      // Newest first, as Kalshi lists them.
      const block = req.query.get('is_block_trade');
      // Trades before the historical cut-off are served under /historical/trades only.
      const cutoff = historicalCutoff(this).tradesCreated;
      const rows = this.engine.trades(req.query.get('ticker') ?? undefined).filter((t) => t.ts >= cutoff && (block === null || (block === 'true') === (t.blockTrade === true)) && withinSeconds(req, t.ts)).reverse().map((t) => ({
        trade_id: t.tradeId, ticker: t.ticker, count_fp: t.count, yes_price_dollars: t.yesPrice, no_price_dollars: t.noPrice,
        taker_outcome_side: t.takerSide, taker_book_side: t.takerBookSide, created_time: iso(t.ts), is_block_trade: t.blockTrade === true,
      }));
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { trades: page, cursor } };
    }));

    // Before /markets/:ticker, which would take "orderbooks" for a ticker.
    r.route('GET', p('/markets/orderbooks'), this.#signed('read', (req) => {
      const tickers = req.query.getAll('tickers');
      if (tickers.length < 1 || tickers.length > 100) return { status: 400, body: { code: 'bad_request', message: 'tickers: between 1 and 100 are required', details: '' } };
      // Unknown tickers are left out of the answer (Kalshi does not document this case).
      const books = tickers.filter((t) => this.engine.market(t) !== undefined).map((t) => ({ ticker: t, orderbook_fp: this.#bookJson(t, 0) }));
      return { status: 200, body: { orderbooks: books } };
    }));

    r.route('GET', p('/markets/candlesticks'), this.#public((req) => {
      const range = this.#candleRange(req, false);
      if ('status' in range) return range;
      const tickers = (req.query.get('market_tickers') ?? '').split(',').filter(Boolean);
      if (tickers.length < 1 || tickers.length > 100) return invalid('market_tickers', 'between 1 and 100 tickers are required');
      return { status: 200, body: { markets: tickers.filter((t) => this.engine.market(t)).map((t) => ({ market_ticker: t, candlesticks: this.#candles(t, range) })) } };
    }));

    r.route('GET', p('/markets/:ticker'), this.#public((req) => {
      const m = this.markets.find((x) => x.ticker === req.params.ticker);
      if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found', details: '' } };
      return { status: 200, body: { market: this.#marketJson(m) } };
    }));

    r.route('GET', p('/markets/:ticker/orderbook'), this.#public((req) => {
      const m = this.markets.find((x) => x.ticker === req.params.ticker);
      if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found', details: '' } };
      return { status: 200, body: { orderbook_fp: this.#bookJson(m.ticker, Number(req.query.get('depth') ?? 0)) } };
    }));

    r.route('GET', p('/events'), this.#public((req) => {
      const series = req.query.get('series_ticker');
      const events = [...new Set(this.markets.map((m) => m.event_ticker))].filter((e) => !series || seriesOf(e) === series).map((e) => this.#eventJson(e, req.query.get('with_nested_markets') === 'true'));
      const { page, cursor } = this.#page(req, events, 200);
      return { status: 200, body: { events: page, cursor } };
    }));
    // Before /events/:ticker, which would take "fee_changes" for a ticker.
    r.route('GET', p('/events/fee_changes'), this.#public((req) => {
      const event = req.query.get('event_ticker');
      const { page, cursor } = this.#page(req, EVENT_FEE_CHANGES.filter((f) => !event || f.event_ticker === event), 100);
      return { status: 200, body: { event_fee_changes: page, cursor } };
    }));
    r.route('GET', p('/events/:ticker/metadata'), this.#public((req) => {
      const markets = this.markets.filter((m) => m.event_ticker === req.params.ticker);
      if (!markets.length) return { status: 404, body: { code: 'not_found', message: 'event not found', details: '' } };
      const image = `https://sandbox.invalid/images/${encodeURIComponent(req.params.ticker!)}.png`;
      return { status: 200, body: { image_url: image, market_details: markets.map((m) => ({ market_ticker: m.ticker, image_url: image, color_code: '#1f6feb' })), settlement_sources: [{ name: 'Sandbox', url: 'https://sandbox.invalid' }] } };
    }));
    r.route('GET', p('/events/:ticker'), this.#public((req) => {
      const markets = this.markets.filter((m) => m.event_ticker === req.params.ticker);
      if (!markets.length) return { status: 404, body: { code: 'not_found', message: 'event not found', details: '' } };
      return { status: 200, body: { event: this.#eventJson(req.params.ticker!, false), markets: markets.map((m) => this.#marketJson(m)) } };
    }));

    r.route('GET', p('/portfolio/balance'), this.#signed('read', (_req, k) => {
      const account = this.engine.account(k.user.id);
      const available = account?.available ?? 0n;
      const reserved = account?.reserved ?? 0n;
      // Kalshi still sends integer cents here: 10 000 µ$ a cent.
      return { status: 200, body: { balance: Number(available / 10_000n), balance_dollars: formatMicros(available), portfolio_value: Number((available + reserved) / 10_000n), updated_ts: Math.floor(Date.now() / 1000) } };
    }));

    // Order groups live in the engine: their orders' fills count toward the limit there.
    const groupAnswer = (res: ReturnType<KalshiMatchingEngine['resetOrderGroup']>): SandboxResponse => ('ok' in res ? refusal(res.error) : { status: 200, body: {} });
    /** `contracts_limit_fp` (or the integer `contracts_limit`) of a create or limit body, in count units. */
    const groupLimit = (b: Record<string, unknown>): number | SandboxResponse => {
      if (b.contracts_limit_fp === undefined && Number.isSafeInteger(b.contracts_limit) && (b.contracts_limit as number) > 0) return (b.contracts_limit as number) * 100;
      return badCount('contracts_limit_fp', b.contracts_limit_fp) ?? parseCount(b.contracts_limit_fp as string)!;
    };
    const groupJson = (g: SandboxOrderGroup): Record<string, unknown> => ({ id: g.id, contracts_limit_fp: formatCount(g.limit), is_auto_cancel_enabled: !g.triggered, exchange_index: 0 });
    r.route('GET', p('/portfolio/order_groups'), this.#signed('read', (_req, k) => ({ status: 200, body: { order_groups: this.engine.orderGroups(k.user.id).map(groupJson) } })));
    r.route('POST', p('/portfolio/order_groups/create'), this.#signed('write', (req, k) => {
      const limit = groupLimit((req.body ?? {}) as Record<string, unknown>);
      if (typeof limit !== 'number') return limit;
      const res = this.engine.createOrderGroup(k.user.id, limit, Date.now());
      if ('ok' in res) return refusal(res.error);
      return { status: 201, body: { order_group_id: res.id, subaccount: 0, exchange_index: 0 } };
    }));
    r.route('GET', p('/portfolio/order_groups/:id'), this.#signed('read', (req, k) => {
      const g = this.engine.orderGroup(k.user.id, req.params.id!);
      if (!g) return { status: 404, body: { code: 'not_found', message: 'order group not found', details: '' } };
      return { status: 200, body: { is_auto_cancel_enabled: !g.triggered, contracts_limit_fp: formatCount(g.limit), orders: g.orderIds, exchange_index: 0 } };
    }));
    r.route('DELETE', p('/portfolio/order_groups/:id'), this.#signed('write', (req, k) => groupAnswer(this.engine.deleteOrderGroup(k.user.id, req.params.id!, Date.now()))));
    r.route('PUT', p('/portfolio/order_groups/:id/reset'), this.#signed('write', (req, k) => groupAnswer(this.engine.resetOrderGroup(k.user.id, req.params.id!, Date.now()))));
    r.route('PUT', p('/portfolio/order_groups/:id/trigger'), this.#signed('write', (req, k) => groupAnswer(this.engine.triggerOrderGroup(k.user.id, req.params.id!, Date.now()))));
    r.route('PUT', p('/portfolio/order_groups/:id/limit'), this.#signed('write', (req, k) => {
      // An unknown group is a 404 before its body is looked at.
      if (!this.engine.orderGroup(k.user.id, req.params.id!)) return { status: 404, body: { code: 'not_found', message: 'order group not found', details: '' } };
      const limit = groupLimit((req.body ?? {}) as Record<string, unknown>);
      if (typeof limit !== 'number') return limit;
      return groupAnswer(this.engine.updateOrderGroupLimit(k.user.id, req.params.id!, limit, Date.now()));
    }));

    r.route('GET', p('/portfolio/settlements'), this.#signed('read', (req, k) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const ticker = req.query.get('ticker');
      const event = req.query.get('event_ticker');
      const rows = (this.settlements.get(k.user.id) ?? []).filter((x) => (!ticker || x.ticker === ticker) && (!event || x.event_ticker === event) && withinSeconds(req, Date.parse(x.settled_time as string)));
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { settlements: page, cursor } };
    }));
    r.route('GET', p('/account/api_usage_level/volume_progress'), this.#signed('read', (_req, k) => {
      // Contracts this user traded (both sides of each fill count once for them).
      let units = 0;
      for (const f of this.engine.fills(k.user.id)) units += parseCount(f.count) ?? 0;
      const goals = [['expert', '75000.00', '50000.00'], ['premier', '125000.00', '100000.00'], ['paragon', '250000.00', '200000.00'], ['prime', '500000.00', '400000.00'], ['prestige', '1000000.00', '800000.00']];
      return { status: 200, body: { volume_progress: [{ computed_ts: Math.floor(Date.now() / 1000), trailing_30d_volume_fp: formatCount(units), goals: goals.map(([level, earn, keep]) => ({ level, earn_volume_goal_fp: earn, keep_volume_goal_fp: keep })) }] } };
    }));
    r.route('POST', p('/account/api_usage_level/upgrade'), this.#signed('read', (_req, k) => {
      if (k.user.tier === 'basic') k.user.tier = 'advanced';
      return { status: 201 };
    }));
    r.route('GET', p('/portfolio/deposits'), this.#signed('read', (req, k) => {
      const { page, cursor } = this.#page(req, this.deposits.get(k.user.id) ?? [], 100);
      return { status: 200, body: { deposits: page, cursor } };
    }));
    // Sandbox users never withdraw: an empty, well-formed list.
    r.route('GET', p('/portfolio/withdrawals'), this.#signed('read', (req) => {
      const { page, cursor } = this.#page(req, [], 100);
      return { status: 200, body: { withdrawals: page, cursor } };
    }));
    r.route('GET', p('/portfolio/summary/total_resting_order_value'), this.#signed('read', (_req, k) => {
      // What the user's resting orders hold back: the engine's reserved collateral (µ$).
      const reserved = this.engine.account(k.user.id)?.reserved ?? 0n;
      return { status: 200, body: { total_resting_order_value: Number(reserved / 10_000n), resting_order_value_breakdown: [{ exchange_index: 0, balance: formatMicros(reserved) }] } };
    }));
    r.route('GET', p('/portfolio/positions'), this.#signed('read', (req, k) => {
      const ticker = req.query.get('ticker');
      const event = req.query.get('event_ticker');
      // Positions archived at the cut-off are served under /historical only.
      const rows = this.engine.positions(k.user.id).filter((x) => !isArchivedPosition(this, x.ticker) && (!ticker || x.ticker === ticker) && (!event || this.markets.find((m) => m.ticker === x.ticker)?.event_ticker === event)).map((x) => ({
        ticker: x.ticker, exchange_index: 0, position_fp: formatCount(x.position), market_exposure_dollars: formatMicros(x.costBasis), realized_pnl_dollars: formatMicros(x.realizedPnl),
        fees_paid_dollars: formatMicros(x.feesPaid), total_traded_dollars: formatMicros(x.totalTraded), resting_orders_count: this.engine.orders(k.user.id, { ticker: x.ticker, status: 'resting' }).length,
        last_updated_ts: iso(x.lastUpdatedTs),
      }));
      return { status: 200, body: { cursor: '', market_positions: rows, event_positions: [] } };
    }));

    r.route('GET', p('/portfolio/fills'), this.#signed('read', (req, k) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const fills = this.engine.fills(k.user.id, { ticker: req.query.get('ticker') ?? undefined, orderId: req.query.get('order_id') ?? undefined }).filter((f) => f.ts >= historicalCutoff(this).tradesCreated && withinSeconds(req, f.ts)).reverse().map((f) => ({
        // `client_order_id` was removed from fills (reference/kalshi.md §7.2, CL Mar 30 2026).
        fill_id: f.fillId, exchange_index: 0, trade_id: f.tradeId, order_id: f.orderId, ticker: f.ticker, market_ticker: f.ticker,
        side: f.side, action: f.action, outcome_side: f.outcomeSide, book_side: f.bookSide, count_fp: f.count, yes_price_dollars: f.yesPrice, no_price_dollars: f.noPrice,
        is_taker: f.isTaker, fee_cost: f.fee, created_time: iso(f.ts), ts: Math.floor(f.ts / 1000),
      }));
      const { page, cursor } = this.#page(req, fills, 100);
      return { status: 200, body: { fills: page, cursor } };
    }));

    r.route('GET', p('/portfolio/orders'), this.#signed('read', (req, k) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const visibleBy = Date.now() - this.orderListLagMs;
      const status = req.query.get('status');
      const rows = this.engine.orders(k.user.id, { ticker: req.query.get('ticker') ?? undefined, ...(status === 'resting' || status === 'canceled' || status === 'executed' ? { status } : {}) })
        .filter((o) => o.created_ts_ms <= visibleBy && withinSeconds(req, o.created_ts_ms) && (!status || o.status === status))
        // Orders that ended before the historical cut-off are served under /historical only.
        .filter((o) => o.status === 'resting' || o.last_updated_ts_ms >= historicalCutoff(this).ordersUpdated);
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { orders: page, cursor } };
    }));
    // Before /portfolio/orders/:id, which would take "queue_positions" for an id.
    r.route('GET', p('/portfolio/orders/queue_positions'), this.#signed('read', (req, k) => {
      const tickers = req.query.get('market_tickers')?.split(',').filter(Boolean);
      const event = req.query.get('event_ticker');
      const rows = this.engine.queuePositions(k.user.id)
        .filter((q) => (!tickers || tickers.includes(q.ticker)) && (!event || this.markets.find((m) => m.ticker === q.ticker)?.event_ticker === event))
        .map((q) => ({ order_id: q.orderId, market_ticker: q.ticker, queue_position_fp: formatCount(q.queuePosition) }));
      return { status: 200, body: { queue_positions: rows } };
    }));
    r.route('GET', p('/portfolio/orders/:id/queue_position'), this.#signed('read', (req, k) => {
      const o = this.#own(k.user.id, req.params.id);
      const position = o && this.engine.queuePosition(o.order_id);
      if (position === undefined) return { status: 404, body: { code: 'not_found', message: 'no resting order with this id', details: '' } };
      return { status: 200, body: { queue_position_fp: formatCount(position) } };
    }));
    r.route('GET', p('/portfolio/orders/:id'), this.#signed('read', (req, k) => {
      const o = this.#own(k.user.id, req.params.id);
      if (!o) return { status: 404, body: { code: 'not_found', message: 'order not found', details: '' } };
      return { status: 200, body: { order: o } };
    }));

    r.route('POST', p('/portfolio/events/orders'), this.#signed('write', (req, k) => this.#createOrder((req.body ?? {}) as Record<string, unknown>, k)));

    r.route('POST', p('/portfolio/events/orders/batched'), (req) => {
      const orders = ((req.body ?? {}) as { orders?: Record<string, unknown>[] }).orders;
      if (!Array.isArray(orders) || !orders.length) return { status: 400, body: { code: 'invalid_parameters', message: 'orders required', details: '' } };
      // Each order costs its tokens; the whole batch must fit the bucket at once.
      return this.#signed('write', (_r, k) => ({
        status: 201,
        body: {
          orders: orders.map((o) => {
            const res = this.#createOrder(o, k);
            const b = res.body as Record<string, unknown>;
            return res.status === 201 ? b : { client_order_id: o.client_order_id, error: b };
          }),
        },
      }), 10 * orders.length)(req);
    });

    r.route('DELETE', p('/portfolio/events/orders/batched'), (req) => {
      const orders = ((req.body ?? {}) as { orders?: { order_id?: string }[] }).orders;
      if (!Array.isArray(orders) || !orders.length) return { status: 400, body: { code: 'invalid_parameters', message: 'orders required', details: '' } };
      return this.#signed('write', (_r, k) => ({
        status: 200,
        body: {
          orders: orders.map((o) => {
            const res = this.engine.cancelOrder(k.user.id, String(o.order_id ?? ''), Date.now());
            // `reduced_by` is required on every item, a refused one too: nothing was reduced.
            if (!res.ok) return { order_id: String(o.order_id ?? ''), reduced_by: '0.00', error: { code: res.error.code, message: res.error.message, details: '' } };
            return { order_id: res.order.order_id, client_order_id: res.order.client_order_id, reduced_by: formatCount(res.reducedBy), ts_ms: Date.now() };
          }),
        },
      }), 2 * orders.length)(req);
    });

    r.route('DELETE', p('/portfolio/events/orders'), this.#signed('write', (_req, k) => {
      this.engine.cancelAll(k.user.id, Date.now());
      return { status: 204 };
    }));

    r.route('POST', p('/portfolio/events/orders/:id/amend'), this.#signed('write', (req, k) => {
      if (!this.#own(k.user.id, req.params.id)) return { status: 404, body: { code: 'not_found', message: 'no resting order', details: '' } };
      const b = (req.body ?? {}) as { price?: string; count?: string; side?: string; ticker?: string; updated_client_order_id?: unknown; expiration_time?: unknown };
      const malformed = badPrice('price', b.price) ?? badCount('count', b.count) ?? (b.expiration_time === undefined || isUnixSeconds(b.expiration_time) ? undefined : invalid('expiration_time', 'must be a Unix timestamp in seconds (an integer)'));
      if (malformed) return malformed;
      if (typeof b.ticker !== 'string' || (b.side !== 'bid' && b.side !== 'ask')) return { status: 400, body: { code: 'invalid_order', message: 'ticker and side must match the order', details: '' } };
      const price = parsePrice(b.price!);
      const count = parseCount(b.count!);
      if (price === undefined || count === undefined) return invalid('price', 'must be a fixed-point dollar string');
      const expiration = typeof b.expiration_time === 'number' ? (b.expiration_time === 0 ? null : b.expiration_time * 1000) : undefined;
      const res = this.engine.amendOrder(k.user.id, req.params.id!, {
        ticker: b.ticker, side: b.side, price, count,
        ...(typeof b.updated_client_order_id === 'string' ? { updatedClientOrderId: b.updated_client_order_id } : {}),
        ...(expiration !== undefined ? { expirationTs: expiration } : {}),
      }, Date.now());
      if (!res.ok) return refusal(res.error);
      return {
        status: 200,
        body: {
          order_id: res.order.order_id, client_order_id: res.order.client_order_id, remaining_count: res.order.remaining_count_fp, fill_count: res.order.fill_count_fp, ts_ms: Date.now(),
          // When the new price crossed and traded: this request's fills, as a create reports them.
          ...(res.averageFillPrice !== undefined ? { average_fill_price: res.averageFillPrice } : {}),
          ...(res.averageFeePaid !== undefined ? { average_fee_paid: res.averageFeePaid } : {}),
        },
      };
    }));

    r.route('POST', p('/portfolio/events/orders/:id/decrease'), this.#signed('write', (req, k) => {
      const b = (req.body ?? {}) as { reduce_by?: string; reduce_to?: string };
      if ((b.reduce_by === undefined) === (b.reduce_to === undefined)) return { status: 400, body: { code: 'invalid_parameters', message: 'exactly one of reduce_by and reduce_to', details: '' } };
      const malformed = b.reduce_to !== undefined ? badCount('reduce_to', b.reduce_to) : badCount('reduce_by', b.reduce_by);
      if (malformed) return malformed;
      const change = b.reduce_to !== undefined ? { reduceTo: parseCount(b.reduce_to)! } : { reduceBy: parseCount(b.reduce_by!)! };
      const res = this.engine.decreaseOrder(k.user.id, req.params.id!, change, Date.now());
      if (!res.ok) return refusal(res.error);
      return { status: 200, body: { order_id: res.order.order_id, client_order_id: res.order.client_order_id, remaining_count: res.order.remaining_count_fp, ts_ms: Date.now() } };
    }));

    r.route('DELETE', p('/portfolio/events/orders/:id'), this.#signed('write', (req, k) => {
      const res = this.engine.cancelOrder(k.user.id, req.params.id!, Date.now());
      if (!res.ok) return refusal(res.error);
      return { status: 200, body: { order_id: res.order.order_id, client_order_id: res.order.client_order_id, reduced_by: formatCount(res.reducedBy), ts_ms: Date.now() } };
    }, 2));
    r.route('GET', p('/account/limits'), this.#signed('read', (_req, k) => ({
      status: 200,
      body: {
        usage_tier: k.user.tier,
        read: { refill_rate: this.#o.read.refillPerSecond, bucket_capacity: this.#o.read.capacity },
        write: { refill_rate: this.#o.write.refillPerSecond, bucket_capacity: this.#o.write.capacity },
        grants: [],
      },
    })));

    r.route('GET', p('/api_keys'), this.#signed('read', (_req, k) => ({
      status: 200,
      body: { api_keys: [...this.keys.values()].filter((x) => x.user === k.user).map((x) => ({ api_key_id: x.id, name: x.name, scopes: x.scopes })) },
    })));
    // Key management is not an order, order-group, quote or block-trade write: it draws on the
    // Read bucket (reference/kalshi.md §4.1 "anything not routed to Write").
    r.route('POST', p('/api_keys'), this.#signed('read', (req, k) => {
      if (!['premier', 'paragon', 'prime', 'prestige'].includes(k.user.tier)) return { status: 403, body: { code: 'forbidden', message: 'insufficient API usage level', details: 'CreateApiKey requires the Premier API usage level or above' } };
      const body = (req.body ?? {}) as { name?: string; public_key?: string; scopes?: string[] };
      if (!body.name || !body.public_key) return { status: 400, body: { code: 'invalid_parameters', message: 'name and public_key are required', details: '' } };
      try {
        return { status: 201, body: { api_key_id: this.registerKey(k.user, body.name, body.public_key, body.scopes ?? ['read', 'write']) } };
      } catch {
        return { status: 400, body: { code: 'invalid_parameters', message: 'public_key is not a valid PEM public key', details: '' } };
      }
    }));
    r.route('POST', p('/api_keys/generate'), this.#signed('read', (req, k) => {
      const body = (req.body ?? {}) as { name?: string; scopes?: string[] };
      if (!body.name) return { status: 400, body: { code: 'invalid_parameters', message: 'name is required', details: '' } };
      return this.#generated(k.user, body.name, body.scopes);
    }));
    r.route('DELETE', p('/api_keys/:id'), this.#signed('read', (req, k) => {
      const target = this.keys.get(req.params.id!);
      if (!target || target.user !== k.user) return { status: 404, body: { code: 'not_found', message: 'api key not found', details: '' } };
      this.keys.delete(target.id);
      return { status: 204 };
    }));
  }

  #generated(user: User, name: string, scopes?: string[]): SandboxResponse {
    const pair = this.#takePregenerated();
    const id = this.registerKey(user, name, pair.publicKeyPem, scopes ?? ['read', 'write']);
    void this.#refill();
    return { status: 201, body: { api_key_id: id, private_key: pair.privateKeyPem, key_type: 'rsa' } };
  }

  #pool: { privateKeyPem: string; publicKeyPem: string }[] = [];
  #takePregenerated(): { privateKeyPem: string; publicKeyPem: string } {
    const pair = this.#pool.shift();
    if (!pair) throw new Error('no pre-generated key pair left; call sandbox.prepare()');
    return pair;
  }
  async #refill(): Promise<void> {
    while (this.#pool.length < 2) this.#pool.push(await generateRsaKeyPair({ bits: 2048 }));
  }

  /** `start_ts`, `end_ts` (Unix seconds) and `period_interval` (minutes) of a candlestick request. */
  #candleRange(req: SandboxRequest, fixedPeriods: boolean): { start: number; end: number; period: number } | SandboxResponse {
    const missing = ['start_ts', 'end_ts', 'period_interval'].find((n) => req.query.get(n) === null);
    if (missing) return invalid(missing, 'is required');
    const bad = badSecondsQuery(req, 'start_ts', 'end_ts');
    if (bad) return bad;
    const minutes = Number(req.query.get('period_interval'));
    if (fixedPeriods ? ![1, 60, 1440].includes(minutes) : !(Number.isInteger(minutes) && minutes >= 1)) return invalid('period_interval', fixedPeriods ? 'must be 1, 60 or 1440' : 'must be a positive integer');
    return { start: Number(req.query.get('start_ts')), end: Number(req.query.get('end_ts')), period: minutes * 60 };
  }

  /** Candles of a market's trades within a range: one per period that has a trade, ending at the period's end. */
  #candles(ticker: string, range: { start: number; end: number; period: number }): Record<string, unknown>[] {
    const byEnd = new Map<number, { prices: string[]; volume: bigint }>();
    for (const t of this.engine.trades(ticker)) {
      const seconds = Math.floor(t.ts / 1000);
      if (seconds < range.start || seconds > range.end) continue;
      const end = Math.ceil((seconds + 1) / range.period) * range.period;
      const candle = byEnd.get(end) ?? { prices: [], volume: 0n };
      candle.prices.push(t.yesPrice);
      candle.volume += BigInt(parseCount(t.count) ?? 0);
      byEnd.set(end, candle);
    }
    const depth = this.engine.depth(ticker);
    const bid = depth?.yes[0] ? formatPrice(depth.yes[0][0]) : '0.0000';
    const ask = depth?.no[0] ? formatPrice(10_000 - depth.no[0][0]) : '1.0000';
    const flat = (v: string) => ({ open_dollars: v, low_dollars: v, high_dollars: v, close_dollars: v });
    return [...byEnd.entries()].sort(([a], [b]) => a - b).map(([end, c]) => {
      const sorted = c.prices.slice().sort((a, b) => Number(a) - Number(b));
      return {
        end_period_ts: end, yes_bid: flat(bid), yes_ask: flat(ask),
        price: { open_dollars: c.prices[0], low_dollars: sorted[0], high_dollars: sorted.at(-1), close_dollars: c.prices.at(-1) },
        volume_fp: formatCount(Number(c.volume)), open_interest_fp: '0.00',
      };
    });
  }

  /** One series per seeded event family, derived from the markets (deterministic). */
  #seriesList(withVolume: boolean): { ticker: string; category: string; tags: string[]; last_updated_ts: string; [field: string]: unknown }[] {
    return [...new Set(this.markets.map((m) => seriesOf(m.event_ticker)))].sort().map((ticker) => {
      const meta = SERIES_META[ticker] ?? { title: ticker, category: 'Other', tags: [], frequency: 'custom' };
      return {
        ticker, frequency: meta.frequency, title: meta.title, category: meta.category, categories: [meta.category], tags: meta.tags,
        settlement_sources: [{ name: 'Sandbox', url: 'https://sandbox.invalid' }], contract_url: `https://sandbox.invalid/contracts/${ticker}.pdf`, contract_terms_url: `https://sandbox.invalid/terms/${ticker}.pdf`,
        fee_type: 'quadratic', fee_multiplier: 1, additional_prohibitions: [], last_updated_ts: '2026-01-01T00:00:00Z',
        ...(withVolume ? { volume_fp: '125000.00' } : {}),
      };
    });
  }

  #eventJson(eventTicker: string, nested: boolean): Record<string, unknown> {
    const markets = this.markets.filter((m) => m.event_ticker === eventTicker);
    return {
      event_ticker: eventTicker, series_ticker: seriesOf(eventTicker), title: markets[0]?.title.replace(/^(\S+ \S+).*/, '$1') ?? eventTicker, sub_title: '',
      collateral_return_type: '', mutually_exclusive: eventTicker.startsWith('KXCS2') || eventTicker.startsWith('KXFED'), settlement_sources: [],
      markets: nested ? markets.map((m) => this.#marketJson(m)) : undefined,
    };
  }

  /**
   * Orders past their `expiration_time` stop resting: Kalshi's order status has no "expired",
   * so they read as `canceled`, off the book, their money back. Runs before every request
   * (the engine also expires them before each of its own calls).
   */
  expireOrders(now = Date.now()): void {
    this.engine.expire(now);
  }

  #createOrder(b: Record<string, unknown>, k: ApiKeyRecord): SandboxResponse {
    const bad = (message: string, code = 'invalid_order'): SandboxResponse => ({ status: 400, body: { code, message, details: '' } });
    if (typeof b.ticker !== 'string' || (b.side !== 'bid' && b.side !== 'ask') || b.count === undefined || b.price === undefined) return bad('ticker, side, count and price are required');
    if (!['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'].includes(String(b.time_in_force))) return bad('time_in_force is required');
    if (!['taker_at_cross', 'maker'].includes(String(b.self_trade_prevention_type))) return bad('self_trade_prevention_type is required');
    const malformed = badCount('count', b.count) ?? badPrice('price', b.price) ?? (b.expiration_time === undefined || isUnixSeconds(b.expiration_time) ? undefined : invalid('expiration_time', 'must be a Unix timestamp in seconds (an integer)'));
    if (malformed) return malformed;
    if (b.expiration_time !== undefined && b.time_in_force === 'immediate_or_cancel') return bad('immediate_or_cancel cannot be combined with expiration_time');
    if (b.order_group_id !== undefined && (typeof b.order_group_id !== 'string' || !b.order_group_id)) return invalid('order_group_id', 'must be an order group id');
    // CreateOrderV2 lists no 404 (reference/kalshi.md §7.3: 400, 401, 409, 429, 500): an unknown market is invalid input.
    if (!this.markets.some((x) => x.ticker === b.ticker)) return bad(`market ${b.ticker} not found`, 'market_not_found');
    const price = parsePrice(b.price as string);
    const count = parseCount(b.count as string);
    if (price === undefined) return invalid('price', 'must be a fixed-point dollar string with 2-4 decimals');
    if (count === undefined) return invalid('count', 'must be a fixed-point count string with 0-2 decimals');
    const res: OrderResult = this.engine.placeOrder({
      userId: k.user.id, ticker: b.ticker, side: b.side, price, count,
      timeInForce: b.time_in_force as 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel',
      selfTradePrevention: b.self_trade_prevention_type as 'taker_at_cross' | 'maker',
      ...(typeof b.client_order_id === 'string' ? { clientOrderId: b.client_order_id } : {}),
      postOnly: b.post_only === true,
      reduceOnly: b.reduce_only === true,
      ...(typeof b.expiration_time === 'number' ? { expirationTs: b.expiration_time * 1000 } : {}),
      ...(typeof b.order_group_id === 'string' ? { orderGroupId: b.order_group_id } : {}),
    }, Date.now());
    if (!res.ok) return refusal(res.error);
    this.#placed.push(res.order.order_id);
    const o = res.order;
    return {
      status: 201,
      // The averages are FixedPointDollars, not nullable: present only when the order filled.
      body: {
        order_id: o.order_id, client_order_id: o.client_order_id, fill_count: o.fill_count_fp, remaining_count: o.remaining_count_fp, ts_ms: Date.now(),
        ...(res.averageFillPrice !== undefined ? { average_fill_price: res.averageFillPrice } : {}),
        ...(res.averageFeePaid !== undefined ? { average_fee_paid: res.averageFeePaid } : {}),
      },
    };
  }
}
